"""Training on top of frozen lower layers, run once.

When LoRA adapts only the top layers of the encoder, everything below them
gives the same output in every epoch and every cross-validation fold. On a
2-core CPU that repeated forward pass is most of a training step, so it is
computed once per window and kept; each step then runs only the trainable
top layers, the pooling and the head. The trained model is an ordinary
StanceModel (LoRA on the top layers + head): prediction, export and the
registry see no difference."""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch

from standpunt.models.classifier import StanceClassifier, mean_pool

if TYPE_CHECKING:
    import numpy as np


def bert_of(classifier: StanceClassifier):
    """The BertModel inside the classifier, under a peft wrapper or not."""
    encoder = classifier.encoder
    base = getattr(encoder, "base_model", None)
    return base.model if base is not None and hasattr(base, "model") else encoder


def first_trained_layer(lora_layers: list[int] | None, finetune: str) -> int:
    """Layers below this one are frozen and can be cached (0: nothing to cache)."""
    if finetune != "lora" or not lora_layers:
        return 0
    return min(lora_layers)


def _bidirectional_mask(bert, hidden: torch.Tensor, mask: torch.Tensor):
    from transformers.masking_utils import create_bidirectional_mask

    return create_bidirectional_mask(config=bert.config, inputs_embeds=hidden, attention_mask=mask)


@torch.no_grad()
def frozen_states(
    classifier: StanceClassifier,
    windows: list[list[int]],
    split: int,
    pad_id: int,
    batch_size: int = 32,
    memo: dict | None = None,
) -> list[torch.Tensor]:
    """Hidden states after the first `split` layers, one [tokens, hidden] tensor per window.

    `memo` (window tokens -> states) carries them across models that share the
    same frozen layers, e.g. the folds of a cross-validation."""
    bert = bert_of(classifier)
    was_training = classifier.training
    classifier.eval()
    memo = {} if memo is None else memo
    states: list[torch.Tensor | None] = [memo.get((split, tuple(w))) for w in windows]
    order = sorted((i for i in range(len(windows)) if states[i] is None), key=lambda i: len(windows[i]))
    for start in range(0, len(order), batch_size):
        chunk = order[start : start + batch_size]
        longest = max(len(windows[i]) for i in chunk)
        ids = torch.full((len(chunk), longest), pad_id, dtype=torch.long)
        mask = torch.zeros((len(chunk), longest), dtype=torch.long)
        for row, i in enumerate(chunk):
            ids[row, : len(windows[i])] = torch.tensor(windows[i])
            mask[row, : len(windows[i])] = 1
        hidden = bert.embeddings(input_ids=ids)
        attention = _bidirectional_mask(bert, hidden, mask)
        for layer in bert.encoder.layer[:split]:
            hidden = layer(hidden, attention)
        for row, i in enumerate(chunk):
            states[i] = memo[(split, tuple(windows[i]))] = hidden[row, : len(windows[i])].clone()
    classifier.train(was_training)
    return states


def top_logits(classifier: StanceClassifier, states: list[torch.Tensor], split: int) -> torch.Tensor:
    """The classifier's logits for a batch of cached windows: the layers from
    `split` up, mean pooling and the head (with gradients)."""
    return classifier.head(classifier.dropout(top_embeddings(classifier, states, split)))


def top_embeddings(classifier: StanceClassifier, states: list[torch.Tensor], split: int) -> torch.Tensor:
    """The mean-pooled embeddings of a batch of cached windows, the layers from
    `split` up run with gradients: what contrastive training (models/contrastive.py) shapes."""
    bert = bert_of(classifier)
    longest = max(s.shape[0] for s in states)
    hidden = states[0].new_zeros((len(states), longest, states[0].shape[1]))
    mask = torch.zeros((len(states), longest), dtype=torch.long)
    for row, state in enumerate(states):
        hidden[row, : state.shape[0]] = state
        mask[row, : state.shape[0]] = 1
    attention = _bidirectional_mask(bert, hidden, mask)
    for layer in bert.encoder.layer[split:]:
        hidden = layer(hidden, attention)
    return mean_pool(hidden, mask)


@torch.no_grad()
def cached_logits(model, texts: list[str], split: int, memo: dict) -> np.ndarray:
    """Paragraph logits (windows averaged) through the cached lower layers:
    in cross-validation the test paragraphs' frozen layers run once for all folds."""
    from standpunt.models.windows import windowed_logits

    if not split:
        return model.logits(texts).numpy()
    model.classifier.eval()
    windows = model.windows(texts)
    states = frozen_states(model.classifier, windows.input_ids, split, model.tokenizer.pad_token_id, memo=memo)
    index = {tuple(w): i for i, w in enumerate(windows.input_ids)}

    def run(ids, mask):
        rows = [index[tuple(int(t) for t in row[: int(m.sum())])] for row, m in zip(ids, mask)]
        return top_logits(model.classifier, [states[r] for r in rows], split).numpy()

    return windowed_logits(windows, len(texts), len(model.labels), 32, model.tokenizer.pad_token_id, run)
