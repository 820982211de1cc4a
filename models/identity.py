"""Which model said it: a fingerprint of the weights (or of a baseline and
the data it was fitted on) that a predict folder and every paragraph line
carry, so two runs can be told apart even when both say "models/default"."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from pathlib import Path

from standpunt.models.model_folder import ModelFolder

SHORT = 12  # hex digits on each paragraph line and in the report


def weights_sha256(folder: str | Path) -> str:
    """sha256 over the folder's *.safetensors contents, in file-name order:
    the transformer's weights (model_folder.WEIGHTS) and, where there is one,
    its combination with the cue model (model_folder.COMBINATION), since both
    decide the labels. With weights alone this is simply their `sha256sum`."""
    files = sorted(Path(folder).glob("*.safetensors"))
    if not files:
        raise FileNotFoundError(f"{folder}: no .safetensors weights")
    digest = hashlib.sha256()
    for path in files:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def baseline_sha256(name: str, texts: list[str], labels: list[str]) -> str:
    """A baseline is its name plus what it was fitted on: the same name on
    other training letters is another model."""
    digest = hashlib.sha256(name.encode())
    for text, label in zip(texts, labels):
        digest.update(b"\0" + label.encode() + b"\0" + text.encode())
    return digest.hexdigest()


def recorded_dev_macro_f1(folder: str | Path) -> float | None:
    """The dev macro-F1 a model folder was accepted with (its metrics.json)."""
    try:
        value = ModelFolder(folder).metrics()["dev"]["macro_f1"]
    except (KeyError, TypeError):
        return None
    return float(value) if isinstance(value, (int, float)) else None


def recorded_dev_letters(folder: str | Path) -> list[str] | None:
    """The ids of the dev letters that score was measured on, sorted."""
    try:
        ids = ModelFolder(folder).metrics()["dataset"]["dev"]["letter_ids"]
    except (KeyError, TypeError):
        return None
    return sorted(ids) if isinstance(ids, list) else None


@dataclass
class ModelIdentity:
    given: str | None  # --model as typed; None: the default
    resolved: str  # the folder path, registry URI or baseline name actually used
    kind: str  # folder | registry | baseline
    sha256: str
    hash_of: str  # "safetensors" | "baseline+training-data"
    registered_model: str | None = None
    version: str | None = None
    aliases: list[str] = field(default_factory=list)
    dev_macro_f1: float | None = None
    folder: str | None = None  # where the weights were read from

    @property
    def short(self) -> str:
        return self.sha256[:SHORT]

    @property
    def name(self) -> str:
        """What a person calls it: the registered name, else the folder or baseline name."""
        if self.registered_model:
            return self.registered_model
        return Path(self.resolved).name if self.kind == "folder" else self.resolved

    def as_dict(self) -> dict:
        return {**asdict(self), "short": self.short, "name": self.name}
