"""SetFit-style training: shape the encoder's embeddings contrastively, then
fit a logistic-regression head on them.

SetFit (Tunstall et al. 2022) does well with a few hundred labelled examples
because the encoder learns "same stance or not" from pairs, of which a few
hundred paragraphs give tens of thousands, before any head sees a label.
Here the pairs are all pairs inside a class-balanced batch (every label has
the same quota in every batch, so the rare pushback paragraphs meet each
other in every step), scored with SetFit's cosine-similarity loss: cosine 1
for the same label, 0 for different ones, the positive and negative pairs
weighed equally. Each paragraph is encoded once per step, so an epoch costs
what an epoch of ordinary fine-tuning costs; with LoRA on the top layers the
frozen layers below run once (models/layer_cache.py)."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from standpunt.models.classifier import mean_pool
from standpunt.models.layer_cache import frozen_states, top_embeddings
from standpunt.models.trainer import warmup_then_linear_decay
from standpunt.pipelines.core.labels import LABELS


@dataclass
class ContrastiveArguments:
    """The knobs of the contrastive stage and the head (setfit's TrainingArguments, cut down)."""

    epochs: int = 2
    batch_size: int = 16  # each label gets batch_size // 4 paragraphs of a batch
    learning_rate: float = 1.0e-3
    warmup_ratio: float = 0.1
    weight_decay: float = 0.01
    seed: int = 13
    head_c: float = 1.0  # inverse regularisation of the logistic-regression head


def cosine_pair_loss(embeddings: torch.Tensor, label_ids: torch.Tensor) -> torch.Tensor:
    """Squared error of every in-batch pair's cosine against 1 (same label) or
    0 (different labels), the mean over positive pairs and the mean over
    negative pairs averaged, so neither kind outweighs the other."""
    normed = F.normalize(embeddings, dim=1)
    cosine = normed @ normed.T
    same = label_ids[:, None] == label_ids[None, :]
    off_diagonal = ~torch.eye(len(label_ids), dtype=torch.bool, device=embeddings.device)
    positive, negative = same & off_diagonal, ~same
    parts = []
    if positive.any():
        parts.append(((cosine - 1.0) ** 2)[positive].mean())
    if negative.any():
        parts.append((cosine**2)[negative].mean())
    return torch.stack(parts).mean()


def balanced_batches(label_ids: list[int], batch_size: int, count: int, rng: random.Random) -> list[list[int]]:
    """`count` batches, each with the same quota of every label present; a
    label's items are drawn without replacement, reshuffled when used up."""
    pools = {label: [i for i, y in enumerate(label_ids) if y == label] for label in sorted(set(label_ids))}
    quota = max(1, batch_size // len(pools))
    queues: dict[int, list[int]] = {label: [] for label in pools}
    batches = []
    for _ in range(count):
        batch = []
        for label, pool in pools.items():
            for _ in range(quota):
                if not queues[label]:
                    queues[label] = rng.sample(pool, len(pool))
                batch.append(queues[label].pop())
        batches.append(batch)
    return batches


def _window_embeddings(model, window_ids: list[list[int]], cached, split: int) -> torch.Tensor:
    if cached is not None:
        return top_embeddings(model.classifier, cached, split)
    from standpunt.models.windows import collate

    batch = collate(window_ids, model.tokenizer.pad_token_id)
    hidden = model.classifier.encoder(**batch).last_hidden_state
    return mean_pool(hidden, batch["attention_mask"])


def fit_contrastive(
    model,
    texts: list[str],
    labels: list[str],
    args: ContrastiveArguments,
    split: int,
    memo: dict | None = None,
) -> list[float]:
    """Train the model's trainable encoder parameters (its LoRA adapters) with
    the pair loss; the classifier's own head is left alone. Returns the mean
    loss of each epoch. `split`: layers below it are frozen and cached."""
    rng = random.Random(args.seed)
    torch.manual_seed(args.seed)
    windows = model.windows(texts)
    window_labels = [LABELS.index(labels[i]) for i in windows.owner]
    cached = (
        frozen_states(model.classifier, windows.input_ids, split, model.tokenizer.pad_token_id, memo=memo)
        if split
        else None
    )
    head_ids = {id(p) for p in model.classifier.head.parameters()}
    params = [p for p in model.classifier.parameters() if p.requires_grad and id(p) not in head_ids]
    optimizer = torch.optim.AdamW(params, lr=args.learning_rate, weight_decay=args.weight_decay)
    per_epoch = math.ceil(len(window_labels) / args.batch_size)
    scheduler = warmup_then_linear_decay(optimizer, per_epoch * args.epochs, args.warmup_ratio)
    targets = torch.tensor(window_labels)
    history = []
    model.classifier.train()
    for _ in range(args.epochs):
        losses = []
        for batch in balanced_batches(window_labels, args.batch_size, per_epoch, rng):
            embeddings = _window_embeddings(
                model,
                [windows.input_ids[i] for i in batch],
                [cached[i] for i in batch] if cached is not None else None,
                split,
            )
            loss = cosine_pair_loss(embeddings, targets[batch])
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimizer.step()
            scheduler.step()
            losses.append(loss.item())
        history.append(float(np.mean(losses)))
    model.classifier.eval()
    return history


@torch.no_grad()
def paragraph_embeddings(model, texts: list[str], split: int, memo: dict | None = None, batch_size: int = 32):
    """One L2-normalised embedding per paragraph (its windows' embeddings averaged)."""
    model.classifier.eval()
    windows = model.windows(texts)
    cached = (
        frozen_states(model.classifier, windows.input_ids, split, model.tokenizer.pad_token_id, memo=memo)
        if split
        else None
    )
    order = sorted(range(len(windows.input_ids)), key=lambda i: len(windows.input_ids[i]))
    out = np.zeros((len(windows.input_ids), model.settings["hidden_size"]), dtype=np.float32)
    for start in range(0, len(order), batch_size):
        chunk = order[start : start + batch_size]
        embeddings = _window_embeddings(
            model,
            [windows.input_ids[i] for i in chunk],
            [cached[i] for i in chunk] if cached is not None else None,
            split,
        )
        out[chunk] = F.normalize(embeddings, dim=1).numpy()
    sums = np.zeros((len(texts), out.shape[1]), dtype=np.float32)
    np.add.at(sums, windows.owner, out)
    return sums / np.linalg.norm(sums, axis=1, keepdims=True).clip(min=1e-12)


def fit_head(embeddings: np.ndarray, labels: list[str], args: ContrastiveArguments, weights=None):
    """SetFit's second stage: a class-balanced logistic regression on the embeddings."""
    from sklearn.linear_model import LogisticRegression

    head = LogisticRegression(C=args.head_c, class_weight="balanced", max_iter=2000)
    head.fit(embeddings, [LABELS.index(label) for label in labels], sample_weight=weights)
    return head


def head_scores(head, embeddings: np.ndarray) -> np.ndarray:
    """Probabilities in LABELS order, zeros for a label the head never saw."""
    scores = np.zeros((len(embeddings), len(LABELS)))
    scores[:, head.classes_] = head.predict_proba(embeddings)
    return scores
