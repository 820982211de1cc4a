"""`--model` -> something with predict(texts) -> Prediction.

Accepts a model folder, a registered-model URI (models:/name@alias,
models:/name/3, runs:/id/model) or a baseline name. Where no registry exists
yet (a fresh clone), the default falls back to the shipped model, the same
one `standpunt predict` uses."""

from __future__ import annotations

from functools import partial
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from standpunt.models.baselines import BASELINES, make_baseline
from standpunt.models.labels import LABELS
from standpunt.models.prediction import Prediction
from standpunt.pipelines.errors import StandpuntError

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_MODEL = ROOT / "models" / "default"
DEFAULT_MODEL_URI = "models:/standpunt-stance@champion"


class ModelSpecError(StandpuntError):
    """--model names nothing that can be loaded."""


@dataclass
class Predictor:
    name: str
    kind: str  # folder | registry | baseline
    version: str | None
    _predict: object = field(repr=False, default=None)

    def predict(self, texts: list[str]) -> Prediction:
        return self._predict(texts)


def _model_version(uri: str):
    """The registry entry that a models:/name@alias or models:/name/N URI names
    (raises MlflowException when there is none)."""
    from mlflow import MlflowClient

    name, _, alias = uri[len("models:/"):].partition("@")
    if alias:
        return MlflowClient().get_model_version_by_alias(name, alias)
    name, _, number = name.partition("/")
    return MlflowClient().get_model_version(name, number)


def _use_registry(tracking_uri: str) -> None:
    import mlflow

    mlflow.set_tracking_uri(tracking_uri)
    mlflow.set_registry_uri(tracking_uri)


def _registry_has(uri: str) -> bool:
    from mlflow.exceptions import MlflowException

    from standpunt.models import tracking

    tracking_uri = tracking.tracking_uri()
    if tracking_uri.startswith("sqlite:///") and not Path(tracking_uri[len("sqlite:///"):]).exists():
        return False  # do not create an empty database just to look
    _use_registry(tracking_uri)
    try:
        _model_version(uri)
        return True
    except MlflowException:
        return False


def _registered_model_folder(version) -> Path | None:
    """The Standpunt model folder inside a registered pyfunc, fetched alone
    (not the code copies beside it), so it can run on ONNX Runtime."""
    import mlflow
    import yaml
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    try:
        location = MlflowClient().get_logged_model(version.source.rstrip("/").split("/")[-1]).artifact_location.rstrip("/")
        mlmodel = yaml.safe_load(Path(mlflow.artifacts.download_artifacts(artifact_uri=f"{location}/MLmodel")).read_text())
        relative = mlmodel["flavors"]["python_function"]["artifacts"]["model_dir"]["path"]
        folder = Path(mlflow.artifacts.download_artifacts(artifact_uri=f"{location}/{relative}"))
    except (MlflowException, KeyError, TypeError, OSError):
        return None
    return folder if (folder / "config.json").exists() else None


def _registry_predictor(uri: str, backend: str = "torch", quantize: str = "none", threads: int | None = None,
                        batch_size: int = 32) -> Predictor:
    import mlflow
    import pandas as pd
    from mlflow.exceptions import MlflowException

    from standpunt.models import tracking

    tracking_uri = tracking.tracking_uri()
    _use_registry(tracking_uri)
    version = None
    if uri.startswith("models:/"):
        try:
            entry = _model_version(uri)
        except MlflowException as exc:
            raise ModelSpecError(f"{uri}: not found in the registry at {tracking_uri}") from exc
        version = str(entry.version)
        folder = _registered_model_folder(entry) if backend == "onnx" else None
        if folder is not None:
            from standpunt.models.onnx_backend import OnnxStanceModel

            model = OnnxStanceModel(folder, quantize=quantize, threads=threads)
            return Predictor(uri, "registry", version, partial(model.predict, batch_size=batch_size))
    try:
        model = mlflow.pyfunc.load_model(uri)
    except MlflowException as exc:
        raise ModelSpecError(f"{uri}: cannot load from {tracking_uri}: {exc.message.splitlines()[0]}") from exc

    def predict(texts: list[str]) -> Prediction:
        if not texts:
            return Prediction([], np.zeros((0, len(LABELS)), dtype=np.float32))
        frame = model.predict(pd.DataFrame({"text": texts}))
        return Prediction(list(frame["label"]), frame[list(LABELS)].to_numpy(dtype=np.float32))

    return Predictor(uri, "registry", version, predict)


def resolve_model(
    spec: str | None, baseline_training: tuple[list[str], list[str]] | None = None,
    backend: str = "torch", quantize: str = "none", threads: int | None = None, batch_size: int = 32,
) -> Predictor:
    """Load what --model names. Baselines train on `baseline_training`; a
    model folder runs on PyTorch or, with backend="onnx", ONNX Runtime, in
    batches of `batch_size` token windows."""
    if spec is None:
        spec = DEFAULT_MODEL_URI if _registry_has(DEFAULT_MODEL_URI) else str(SHIPPED_MODEL)
    if spec in BASELINES:
        texts, labels = baseline_training or ([], [])
        baseline = make_baseline(spec, texts, labels)
        return Predictor(spec, "baseline", None, baseline.predict)
    if spec.startswith(("models:/", "runs:/")):
        return _registry_predictor(spec, backend, quantize, threads, batch_size)
    folder = Path(spec)
    if folder.is_dir() and backend == "onnx":
        from standpunt.models.onnx_backend import OnnxStanceModel

        if not (folder / "config.json").exists():
            raise ModelSpecError(f"{folder}: not a Standpunt model folder (needs config.json and weights.safetensors)")
        model = OnnxStanceModel(folder, quantize=quantize, threads=threads)
        return Predictor(str(folder), "folder", (model.metrics or {}).get("git_commit"), partial(model.predict, batch_size=batch_size))
    if folder.is_dir():
        if threads:
            import torch

            torch.set_num_threads(threads)
        from standpunt.models.stance_model import StanceModel

        model = StanceModel.load(folder)
        version = (model.metrics or {}).get("git_commit")
        return Predictor(str(folder), "folder", version, partial(model.predict, batch_size=batch_size))
    raise ModelSpecError(f"{spec}: not a model folder, a models:/ or runs:/ URI, or a baseline ({', '.join(BASELINES)})")
