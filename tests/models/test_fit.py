"""Training learns: on three clearly separable paragraphs the training loop
(models/trainer.py fit) reaches training accuracy 1.0, as setfit checks its
own loop. A loop that never updates the weights, or updates the wrong ones,
fails here in seconds instead of after an hour of real training."""

import torch

from standpunt.models.stance_model import StanceModel
from standpunt.models.trainer import fit, seed_everything
from tests.models.test_stance_model import tiny_config

TEXTS = [
    "Ik onderschrijf de conclusies van de Rekenkamer volledig en neem alle aanbevelingen over.",
    "Ik neem kennis van het rapport en de bevindingen.",
    "Ik bestrijd deze bevinding met klem, want zij berust op onjuiste cijfers.",
]
LABELS = ["agree", "acknowledge", "pushback"]


def test_fit_learns_a_tiny_separable_set(tiny_encoder):
    config = tiny_config(
        tiny_encoder,
        "train.epochs=40",
        "train.batch_size=3",
        "train.warmup_ratio=0.0",
        "train.learning_rate=0.01",
        "train.head_learning_rate=0.05",
        "train.class_weighting=none",
        "model.head_dropout=0.0",
        "model.lora_dropout=0.0",
    )
    seed_everything(0)
    torch.manual_seed(0)
    model = StanceModel.create(config.model, str(tiny_encoder))
    assert model.predict(TEXTS).labels != LABELS  # not learnt before training
    history = fit(model, TEXTS, LABELS, config)
    assert model.predict(TEXTS).labels == LABELS
    assert history[-1]["train_loss"] < history[0]["train_loss"]


def test_only_edits_of_training_letters_train(tmp_path, tiny_encoder):
    from standpunt.models.trainer import training_edits

    edits = tmp_path / "edits.jsonl"
    edits.write_text(
        '{"origin_letter": "train-letter", "text": "Ik deel uw conclusie niet.", "label": "pushback"}\n'
        '{"origin_letter": "dev-letter", "text": "Ik deel uw conclusie.", "label": "agree"}\n'
    )
    config = tiny_config(tiny_encoder, f"data.edits=[{edits}]")
    kept = training_edits(config, ["train-letter", "other"])
    assert [e["origin_letter"] for e in kept] == ["train-letter"]
    assert training_edits(tiny_config(tiny_encoder, "data.edits=[]"), ["train-letter"]) == []
