"""SetFit-style training: the pair loss, class-balanced batches, and that the
contrastive stage pulls same-label paragraphs together on a tiny encoder."""

import random

import numpy as np
import torch

from standpunt.models.contrastive import (
    ContrastiveArguments,
    balanced_batches,
    cosine_pair_loss,
    fit_contrastive,
    fit_head,
    head_scores,
    paragraph_embeddings,
)
from standpunt.models.stance_model import StanceModel
from standpunt.pipelines.core.labels import LABELS
from tests.models.test_stance_model import tiny_config

TEXTS = [
    "Ik deel uw conclusie en neem de aanbeveling over.",
    "Het kabinet onderschrijft de aanbevelingen volledig.",
    "Ik herken mij niet in het beeld dat u schetst.",
    "De cijfers in uw rapport zijn onjuist.",
    "Met belangstelling heb ik uw rapport gelezen.",
    "Hieronder ga ik in op de bevindingen per hoofdstuk.",
]
LABELS_OF = ["agree", "agree", "pushback", "pushback", "none", "none"]


def test_pair_loss_is_zero_for_perfect_embeddings_and_weighs_both_kinds_of_pair():
    labels = torch.tensor([0, 0, 1, 1])
    perfect = torch.tensor([[1.0, 0.0], [2.0, 0.0], [0.0, 1.0], [0.0, 3.0]])
    assert cosine_pair_loss(perfect, labels).item() < 1e-6
    collapsed = torch.tensor([[1.0, 0.0]] * 4)
    # positives right (0), negatives all at cosine 1 (error 1): the mean of the two kinds
    assert abs(cosine_pair_loss(collapsed, labels).item() - 0.5) < 1e-6
    only_positive = cosine_pair_loss(torch.tensor([[1.0, 0.0], [0.0, 1.0]]), torch.tensor([2, 2]))
    assert abs(only_positive.item() - 1.0) < 1e-6


def test_balanced_batches_give_every_label_its_quota_and_use_each_item_before_repeating():
    label_ids = [0] * 10 + [1] * 2 + [3] * 5
    batches = balanced_batches(label_ids, 6, 4, random.Random(0))
    assert len(batches) == 4
    for batch in batches:
        assert sorted(label_ids[i] for i in batch) == [0, 0, 1, 1, 3, 3]
    zeros = [i for batch in batches for i in batch if label_ids[i] == 0]
    assert len(set(zeros[:8])) == 8  # 8 of the 10 drawn, none twice


def test_contrastive_stage_pulls_same_label_paragraphs_together(tiny_encoder):
    config = tiny_config(tiny_encoder, "model.lora_layers=[1]", "model.lora_dropout=0.0")
    torch.manual_seed(0)
    model = StanceModel.create(config.model, str(tiny_encoder))
    args = ContrastiveArguments(epochs=40, batch_size=6, learning_rate=0.02, warmup_ratio=0.0)

    def separation() -> float:
        embeddings = paragraph_embeddings(model, TEXTS, split=1)
        cosine = embeddings @ embeddings.T
        same = np.array([[a == b for b in LABELS_OF] for a in LABELS_OF])
        np.fill_diagonal(same, False)
        different = ~np.array([[a == b for b in LABELS_OF] for a in LABELS_OF])
        return float(cosine[same].mean() - cosine[different].mean())

    before = separation()
    history = fit_contrastive(model, TEXTS, LABELS_OF, args, split=1)
    assert history[-1] < history[0]
    assert separation() > before + 0.1
    head = fit_head(paragraph_embeddings(model, TEXTS, split=1), LABELS_OF, args)
    scores = head_scores(head, paragraph_embeddings(model, TEXTS, split=1))
    assert scores.shape == (len(TEXTS), len(LABELS))
    assert np.allclose(scores[:, LABELS.index("acknowledge")], 0.0)  # never seen in training
    assert [LABELS[j] for j in scores.argmax(axis=1)] == LABELS_OF
