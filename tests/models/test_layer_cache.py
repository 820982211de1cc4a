"""Training on cached frozen layers computes what the whole model computes,
and learns."""

import numpy as np
import torch

from standpunt.models.layer_cache import first_trained_layer, frozen_states, top_logits
from standpunt.models.stance_model import StanceModel
from standpunt.models.trainer import fit, score_dev
from tests.models.test_stance_model import tiny_config

TEXTS = [
    "Ik deel uw conclusie en neem de aanbeveling over.",
    "Ik herken mij niet in het beeld dat u schetst.",
    "Met belangstelling heb ik uw rapport gelezen, dat een groot aantal onderwerpen behandelt.",
]


def test_only_lora_on_the_top_layers_is_cached():
    assert first_trained_layer([1], "lora") == 1
    assert first_trained_layer([8, 9, 10, 11], "lora") == 8
    assert first_trained_layer(None, "lora") == 0
    assert first_trained_layer([1], "full") == 0


def test_cached_lower_layers_give_the_full_models_logits(tiny_encoder):
    torch.manual_seed(2)
    config = tiny_config(tiny_encoder, "model.lora_layers=[1]")
    model = StanceModel.create(config.model, str(tiny_encoder))
    with torch.no_grad():  # adapters away from their zero start, so the top layer differs from the base
        for name, parameter in model.classifier.named_parameters():
            if "lora_B" in name:
                parameter.normal_(0, 0.5)
    model.classifier.eval()
    windows = model.windows(TEXTS)
    states = frozen_states(model.classifier, windows.input_ids, 1, model.tokenizer.pad_token_id)
    with torch.no_grad():
        cached = top_logits(model.classifier, states, 1).numpy()
    whole = model.logits(TEXTS).numpy()
    assert np.abs(cached - whole).max() < 1e-4
    assert np.abs(whole).max() > 1e-3


def test_fit_on_cached_layers_learns_a_separable_set(tiny_encoder):
    config = tiny_config(
        tiny_encoder,
        "model.lora_layers=[1]",
        "train.epochs=30",
        "train.batch_size=3",
        "train.learning_rate=0.01",
        "train.head_learning_rate=0.05",
        "model.head_dropout=0.0",
        "model.lora_dropout=0.0",
        "train.warmup_ratio=0.0",
    )
    torch.manual_seed(0)
    model = StanceModel.create(config.model, str(tiny_encoder))
    labels = ["agree", "pushback", "none"]
    history = fit(model, TEXTS, labels, config)
    assert history[-1]["train_loss"] < history[0]["train_loss"]
    assert model.predict(TEXTS).labels == labels


def test_dev_scored_on_cached_layers_equals_a_whole_pass(tiny_encoder):
    """train.py scores dev each epoch through the cached lower layers: the
    same labels and scores as predict, with the frozen part run only once."""
    torch.manual_seed(4)
    config = tiny_config(tiny_encoder, "model.lora_layers=[1]", "model.read_tokens=12")
    model = StanceModel.create(config.model, str(tiny_encoder))
    with torch.no_grad():
        for name, parameter in model.classifier.named_parameters():
            if "lora_B" in name or "head" in name:
                parameter.normal_(0, 0.5)
    labels = ["agree", "pushback", "none"]
    frozen: dict = {}
    cached, metrics = score_dev(model, TEXTS, labels, 8, split=1, frozen=frozen)
    whole, whole_metrics = score_dev(model, TEXTS, labels, 8)
    assert len(frozen) == 3  # one state per window, kept for the next epoch
    assert cached.labels == whole.labels and metrics["macro_f1"] == whole_metrics["macro_f1"]
    assert np.abs(cached.scores - whole.scores).max() < 1e-4
