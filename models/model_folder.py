"""A trained model folder and the names of its files, in one place.

  config.json         labels, base encoder identity, max length, windowing,
                      pooling, prefix, fine-tuning mode and LoRA settings
  weights.safetensors the trained part: LoRA adapters (or the fine-tuned
                      encoder layers) and the head; never pickle
  metrics.json        the dev metrics the model was accepted with
  combination.safetensors  optional: the rule book's cue model and the
                      stacker that combines it with the transformer
                      (models/combination.py, written by `standpunt combine`)
  folds/fold<k>/      optional: a cross-fitted model's fold models (model
                      folders themselves), each trained without one fold of
                      letters, so `standpunt combine` can score every letter
                      with a model that never saw it

Everything that reads or writes a model folder (the PyTorch and ONNX
backends, the loader, the model's identity) goes through ModelFolder, so a
file name is written once and metrics.json is parsed by one function. Free
of torch: the ONNX path must not import it."""

from __future__ import annotations

import json
from pathlib import Path

CONFIG = "config.json"
WEIGHTS = "weights.safetensors"
METRICS = "metrics.json"
COMBINATION = "combination.safetensors"
FOLDS = "folds"


class ModelFolder:
    """The files of one model folder; nothing is read until asked for."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    @property
    def config_path(self) -> Path:
        return self.path / CONFIG

    @property
    def weights_path(self) -> Path:
        return self.path / WEIGHTS

    @property
    def metrics_path(self) -> Path:
        return self.path / METRICS

    @property
    def combination_path(self) -> Path:
        return self.path / COMBINATION

    @property
    def folds_path(self) -> Path:
        return self.path / FOLDS

    def fold_folders(self) -> list[ModelFolder]:
        """The fold models of a cross-fitted model, in fold order; [] for a model trained on one split."""
        if not self.folds_path.is_dir():
            return []
        found = [p for p in self.folds_path.iterdir() if p.is_dir() and p.name.removeprefix("fold").isdigit()]
        return [ModelFolder(p) for p in sorted(found, key=lambda p: int(p.name.removeprefix("fold")))]

    def has_config(self) -> bool:
        return self.config_path.exists()

    def is_complete(self) -> bool:
        """Settings and weights both there: what loading needs."""
        return self.config_path.exists() and self.weights_path.exists()

    def settings(self) -> dict:
        """config.json; json.JSONDecodeError where it is not JSON."""
        return json.loads(self.config_path.read_text(encoding="utf-8"))

    def metrics(self) -> dict:
        """metrics.json, or {} for a folder saved without one (or with an unreadable one)."""
        try:
            value = json.loads(self.metrics_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return value if isinstance(value, dict) else {}

    def write_settings(self, settings: dict) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        self.config_path.write_text(json.dumps(settings, indent=2, ensure_ascii=False) + "\n")

    def write_metrics(self, metrics: dict) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        self.metrics_path.write_text(json.dumps(metrics, indent=2, ensure_ascii=False) + "\n")
