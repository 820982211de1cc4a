"""MLflow plumbing: where runs go, the registered model and its champion alias.

Defaults are local (SQLite in the working directory); a team sets
MLFLOW_TRACKING_URI (or `tracking.tracking_uri` in the configs) to a tracking
server and nothing else changes. Training, prediction and evaluation read the
same three settings (RegistrySettings in standpunt.pipelines.core.tracking),
so a renamed registered model cannot be trained under one name and looked up
under another."""

from __future__ import annotations

import subprocess
from pathlib import Path

from standpunt.pipelines.core.paths import ROOT
from standpunt.pipelines.core.tracking import CHAMPION, tracking_uri


def setup(configured_uri: str | None, experiment: str) -> str:
    """Point mlflow (runs and registry) at the configured store; returns its URI."""
    import logging

    import mlflow

    logging.getLogger("mlflow").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    uri = tracking_uri(configured_uri)
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    mlflow.set_experiment(experiment)
    return uri


def git_commit(root: Path | None = None) -> str | None:
    """HEAD of the checkout the code runs from (+"-dirty" with uncommitted
    changes); None when the code is not a git checkout of its own (an
    installed wheel inside somebody else's repository included) or git is
    missing. Never raises: a manifest must be written without git."""
    root = Path(root or ROOT).resolve()
    try:
        top = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"], cwd=root, capture_output=True, text=True, timeout=10
        )
        if top.returncode != 0 or Path(top.stdout.strip()).resolve() != root:
            return None
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10)
        commit = out.stdout.strip() if out.returncode == 0 else None
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True, timeout=10)
        if commit and dirty.returncode == 0 and dirty.stdout.strip():
            commit += "-dirty"
        return commit or None
    except (OSError, ValueError, subprocess.SubprocessError):
        return None


def standpunt_version() -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("standpunt")
    except PackageNotFoundError:
        return None


def champion_score(name: str, metric: str = "dev_macro_f1", alias: str = CHAMPION) -> tuple[str | None, float | None]:
    """(version, metric) of the current champion, or (None, None)."""
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    client = MlflowClient()
    try:
        version = client.get_model_version_by_alias(name, alias)
    except MlflowException:
        return None, None
    run = client.get_run(version.run_id)
    return version.version, run.data.metrics.get(metric)


def set_champion(name: str, version: str, alias: str = CHAMPION) -> None:
    from mlflow import MlflowClient

    MlflowClient().set_registered_model_alias(name, alias, str(version))


def should_promote(
    new_f1: float, champion_f1: float | None, shipped_f1: float | None, force: bool = False
) -> tuple[bool, str]:
    """Whether a new version takes the alias, and why in words. It must beat
    the champion's dev macro-F1, or, with no champion, the shipped default's:
    otherwise a smoke-test training (a few steps, a poor model) would become
    the model every later predict uses."""
    if force:
        return True, "promoted by --promote"
    if champion_f1 is not None:
        if new_f1 > champion_f1:
            return True, f"dev macro-F1 {new_f1:.3f} beats the champion's {champion_f1:.3f}"
        return False, f"dev macro-F1 {new_f1:.3f} does not beat the champion's {champion_f1:.3f}"
    if shipped_f1 is None:
        return True, f"no champion and no shipped default score to beat (dev macro-F1 {new_f1:.3f})"
    if new_f1 > shipped_f1:
        return True, f"dev macro-F1 {new_f1:.3f} beats the shipped default's {shipped_f1:.3f}"
    return False, f"dev macro-F1 {new_f1:.3f} does not beat the shipped default's {shipped_f1:.3f}"
