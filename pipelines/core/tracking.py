"""The three tracking settings (tracking URI, registered model, alias) that
training, prediction and evaluation must share, so a renamed registered
model cannot be trained under one name and looked up under another.

Free of mlflow: the MLflow plumbing lives in standpunt.models.tracking."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_TRACKING_URI = "sqlite:///mlflow.db"
DEFAULT_REGISTERED_MODEL = "standpunt-stance"
CHAMPION = "champion"


def tracking_uri(configured: str | None = None) -> str:
    """The configured URI, else $MLFLOW_TRACKING_URI, else a local SQLite store."""
    return configured or os.environ.get("MLFLOW_TRACKING_URI") or DEFAULT_TRACKING_URI


@dataclass
class RegistrySettings:
    """Where the registry lives and which entry is "the model in use"."""

    tracking_uri: str | None = None  # None: $MLFLOW_TRACKING_URI, else sqlite:///mlflow.db
    registered_model: str = DEFAULT_REGISTERED_MODEL
    alias: str = CHAMPION

    @property
    def default_uri(self) -> str:
        return f"models:/{self.registered_model}@{self.alias}"

    def uri(self) -> str:
        return tracking_uri(self.tracking_uri)


def sqlite_path(uri: str) -> Path | None:
    """The database file of a local SQLite tracking URI; None for anything else."""
    if uri.startswith("sqlite:///"):
        return Path(uri[len("sqlite:///") :])
    return None
