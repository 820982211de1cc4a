"""Settings of `standpunt predict` and the summaries (configs/predict.yaml)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from standpunt.pipelines.core.config_loader import ConfigError, build_dataclass, read_yaml_with_overrides
from standpunt.pipelines.core.labels import STANCES
from standpunt.pipelines.core.paths import ROOT
from standpunt.pipelines.core.tracking import RegistrySettings

DEFAULT_PATH = ROOT / "configs" / "predict.yaml"


@dataclass
class FindingRule:
    """A finding's stance: the first label in `order` that some paragraph of
    the finding carries with at least its minimum probability; else none."""

    order: list[str] = field(default_factory=lambda: list(STANCES))
    min_probability: dict = field(default_factory=lambda: {"pushback": 0.5, "agree": 0.0, "acknowledge": 0.0})


@dataclass
class SummaryConfig:
    finding_rule: FindingRule = field(default_factory=FindingRule)
    evidence: bool = True  # score the sentences of the deciding paragraphs for the evidence sentence
    # the transformer scores only the N sentences of a deciding paragraph the cue model rates highest; None: all
    evidence_shortlist: int | None = 3


@dataclass
class InferenceConfig:
    backend: Literal["onnx", "torch"] = "onnx"  # onnx: ONNX Runtime, same labels, about 1.5x faster on CPU
    quantize: Literal["none", "int8"] = "none"  # int8 flips ~3% of labels: off unless asked for
    # the evidence pass only ranks sentences, and int8 keeps the ranking; auto: int8 where the CPU has int8 products
    evidence_quantize: Literal["auto", "none", "int8"] = "auto"
    threads: int | None = None  # None: all cores


@dataclass
class PredictConfig:
    model: str | None = None  # a model folder, models:/ URI or baseline; None: tracking's alias, else models/default
    batch_size: int = 8  # token windows per classifier call
    workers: int | None = None  # ingestion processes; None: the number of cores
    max_size_mb: float = 20.0
    letter_timeout_s: float = 300.0  # a letter still being read after this long is recorded as an error
    tracking: RegistrySettings = field(default_factory=RegistrySettings)
    summary: SummaryConfig = field(default_factory=SummaryConfig)
    inference: InferenceConfig = field(default_factory=InferenceConfig)


def load_predict_config(path: str | Path | None = None, overrides: list[str] = ()) -> PredictConfig:
    values, where = read_yaml_with_overrides(path or DEFAULT_PATH, overrides)
    config = build_dataclass(PredictConfig, values, where)
    rule = config.summary.finding_rule
    for label in rule.order:
        if label not in STANCES:
            raise ConfigError(
                f"{where}: summary.finding_rule.order holds '{label}'; expected labels from {', '.join(STANCES)}"
            )
    for label, value in rule.min_probability.items():
        if label not in STANCES or not isinstance(value, (int, float)) or not 0 <= value <= 1:
            raise ConfigError(
                f"{where}: summary.finding_rule.min_probability.{label} must be a label's probability in [0, 1]"
            )
    if config.summary.evidence_shortlist is not None and config.summary.evidence_shortlist < 1:
        raise ConfigError(f"{where}: summary.evidence_shortlist must be at least 1 (or null: every sentence)")
    if config.batch_size < 1:
        raise ConfigError(f"{where}: batch_size must be at least 1")
    if config.workers is not None and config.workers < 1:
        raise ConfigError(f"{where}: workers must be at least 1")
    if config.letter_timeout_s <= 0:
        raise ConfigError(f"{where}: letter_timeout_s must be positive")
    return config
