import json

import numpy as np
import pytest
import torch

from standpunt.models.config import load_config
from standpunt.models.stance_model import ModelLoadError, StanceModel
from tests.conftest import ROOT, TINY_MODEL_OVERRIDES


def tiny_config(tiny_encoder, *overrides):
    return load_config(
        ROOT / "configs" / "default.yaml",
        [f"base_encoder={tiny_encoder}", *TINY_MODEL_OVERRIDES, *overrides],
    )


@pytest.mark.parametrize("finetune", ["lora", "full"])
def test_save_and_load_reproduce_predictions(tiny_encoder, tmp_path, finetune):
    torch.manual_seed(1)
    model = StanceModel.create(tiny_config(tiny_encoder, f"model.finetune={finetune}").model, str(tiny_encoder))
    with torch.no_grad():  # make the adapters and head non-trivial
        for _name, parameter in model.classifier.named_parameters():
            if parameter.requires_grad:
                parameter.add_(torch.randn_like(parameter) * 0.05)
    texts = ["Ik deel uw conclusie.", "Ik ben het daar niet mee eens. " * 30, "Hoogachtend,"]
    before = model.predict(texts)
    model.save(tmp_path / "m", {"dev": {"macro_f1": 0.5}})
    files = {p.name for p in (tmp_path / "m").iterdir()}
    assert files == {"config.json", "weights.safetensors", "metrics.json"}
    settings = json.loads((tmp_path / "m" / "config.json").read_text())
    assert settings["labels"] == ["agree", "acknowledge", "pushback", "none"]
    assert settings["pooling"] == "mean" and settings["max_length"] == 64
    loaded = StanceModel.load(tmp_path / "m")
    after = loaded.predict(texts)
    assert after.labels == before.labels
    assert np.allclose(after.scores, before.scores, atol=1e-5)
    assert loaded.metrics == {"dev": {"macro_f1": 0.5}}


def test_long_paragraph_logits_average_its_windows(tiny_encoder):
    model = StanceModel.create(tiny_config(tiny_encoder).model, str(tiny_encoder))
    text = "Ik herken de knelpunten die u noemt in uw rapport. " * 20
    windows = model.windows([text])
    assert len(windows.input_ids) > 1
    per_window = torch.stack([model.logits([text])[0]])
    from standpunt.models.windows import collate

    with torch.inference_mode():
        model.classifier.eval()
        separate = model.classifier(**collate(windows.input_ids, model.tokenizer.pad_token_id))
    assert torch.allclose(per_window[0], separate.mean(dim=0), atol=1e-5)


def test_lora_trains_a_small_part_only(tiny_encoder):
    from standpunt.models.classifier import trainable_parameters

    lora = StanceModel.create(tiny_config(tiny_encoder).model, str(tiny_encoder))
    full = StanceModel.create(tiny_config(tiny_encoder, "model.finetune=full").model, str(tiny_encoder))
    assert 0 < trainable_parameters(lora.classifier) < trainable_parameters(full.classifier)
    assert not full.classifier.encoder.get_input_embeddings().weight.requires_grad


def test_loading_a_folder_that_is_not_a_model(tmp_path):
    with pytest.raises(ModelLoadError, match="not a Standpunt model folder"):
        StanceModel.load(tmp_path)
