"""`--model` -> something with predict(texts) -> Prediction, and the
identity of what was loaded (models/identity.py).

Accepts a model folder, a registered-model URI (models:/name@alias,
models:/name/3, runs:/id/model) or a baseline name. Without --model the
registered `models:/<registered_model>@<alias>` of the tracking settings is
used where the registry holds it, else the shipped model. Training,
prediction and evaluation pass the same RegistrySettings, so they agree on
where the registry is and which name it is under."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from standpunt.models.baselines import BASELINES, make_baseline
from standpunt.models.combination import Combination
from standpunt.models.evidence_ranker import choose_evidence
from standpunt.models.identity import ModelIdentity, baseline_sha256, recorded_dev_macro_f1, weights_sha256
from standpunt.models.model_folder import CONFIG, WEIGHTS, ModelFolder
from standpunt.models.prediction import Prediction
from standpunt.pipelines.core.errors import StandpuntError
from standpunt.pipelines.core.paths import ROOT
from standpunt.pipelines.core.tracking import RegistrySettings, sqlite_path

SHIPPED_MODEL = ROOT / "models" / "default"
DEFAULT_MODEL_URI = RegistrySettings().default_uri


class ModelSpecError(StandpuntError):
    """--model names nothing that can be loaded."""


@dataclass
class Predictor:
    name: str
    kind: str  # folder | registry | baseline
    version: str | None
    _predict: object = field(repr=False, default=None)
    identity: ModelIdentity | None = None
    _score_evidence: object = field(repr=False, default=None)  # None: as predict
    _shortlist: object = field(repr=False, default=None)  # a combination's Combination.shortlist; None: no shortlist
    _evidence_weights: object = field(repr=False, default=None)  # a combination's evidence ranker; None: by probability

    def predict(self, texts: list[str]) -> Prediction:
        return self._predict(texts)

    def evidence_shortlists(self, candidates: list[tuple[list[str], str]], size: int | None) -> list[list[int]]:
        """Which sentences of each (sentences, stance) candidate the evidence
        pass scores: with a cue model beside the transformer and a `size`, the
        `size` sentences the cue model rates highest for the stance
        (Combination.shortlist); otherwise all of them."""
        if size is None or self._shortlist is None:
            return [list(range(len(sentences))) for sentences, _ in candidates]
        return self._shortlist(candidates, size)

    def choose_evidence(
        self, sentences: list[str], stance: str, rows: list[dict[str, float] | None]
    ) -> tuple[int, float] | None:
        """(index, probability of the stance) of the evidence sentence among
        the scored ones (`rows`, None where not scored): by the combination's
        evidence ranker where it has one (models/evidence_ranker.py), else by
        the probability alone."""
        return choose_evidence(sentences, stance, rows, self._evidence_weights)

    def score_evidence(self, sentences: list[str]) -> Prediction:
        """Scores of candidate evidence sentences: the model without its
        combination's gate, which was chosen on paragraph labels, not on
        ranking the sentences of a paragraph."""
        return (self._score_evidence or self._predict)(sentences)


def _model_version(uri: str):
    """The registry entry that a models:/name@alias or models:/name/N URI names
    (raises MlflowException when there is none)."""
    from mlflow import MlflowClient

    name, _, alias = uri[len("models:/") :].partition("@")
    if alias:
        return MlflowClient().get_model_version_by_alias(name, alias)
    name, _, number = name.partition("/")
    return MlflowClient().get_model_version(name, number)


def _use_registry(tracking_uri: str) -> None:
    import mlflow

    mlflow.set_tracking_uri(tracking_uri)
    mlflow.set_registry_uri(tracking_uri)


def _sqlite_has(database: Path, uri: str) -> bool | None:
    """Ask a local MLflow SQLite store directly whether it holds what a
    models:/ URI names: importing mlflow costs seconds of every cold start.
    None: the file is not a store this query understands (let mlflow decide)."""
    name, _, alias = uri[len("models:/") :].partition("@")
    if alias:
        query = (
            "SELECT 1 FROM registered_model_aliases a "
            "JOIN model_versions v ON v.name = a.name AND v.version = a.version "
            "WHERE a.name = ? AND a.alias = ?",
            (name, alias),
        )
    else:
        name, _, number = name.partition("/")
        if not number.isdigit():
            return None  # models:/name/Stage and the like: mlflow's business
        query = ("SELECT 1 FROM model_versions WHERE name = ? AND version = ?", (name, int(number)))
    try:
        connection = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return connection.execute(*query).fetchone() is not None
        finally:
            connection.close()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return False  # a database without a model registry in it
        return None
    except sqlite3.DatabaseError:
        return None


def registry_has(uri: str, settings: RegistrySettings | None = None) -> bool:
    """Whether the registry holds what `uri` names. A local SQLite store is
    asked with sqlite3 (no mlflow import); a missing file holds nothing (and
    is not created just to look)."""
    tracking_uri = (settings or RegistrySettings()).uri()
    database = sqlite_path(tracking_uri)
    if database is not None:
        if not database.exists():
            return False
        answer = _sqlite_has(database, uri)
        if answer is not None:
            return answer
    from mlflow.exceptions import MlflowException

    _use_registry(tracking_uri)
    try:
        _model_version(uri)
        return True
    except MlflowException:
        return False


def choose_model(spec: str | None, settings: RegistrySettings | None = None) -> str:
    """What `--model` (None: the default) resolves to before anything loads:
    the given spec, else the registered alias if the registry holds it, else
    the shipped model folder."""
    if spec is not None:
        return spec
    settings = settings or RegistrySettings()
    return settings.default_uri if registry_has(settings.default_uri, settings) else str(SHIPPED_MODEL)


def _model_folder_at(location: str) -> Path | None:
    """The Standpunt model folder inside a logged pyfunc, fetched alone (not
    the code copies beside it), so it can run on ONNX Runtime and be hashed."""
    import mlflow
    import yaml
    from mlflow.exceptions import MlflowException

    try:
        mlmodel = yaml.safe_load(
            Path(mlflow.artifacts.download_artifacts(artifact_uri=f"{location}/MLmodel")).read_text()
        )
        relative = mlmodel["flavors"]["python_function"]["artifacts"]["model_dir"]["path"]
        folder = Path(mlflow.artifacts.download_artifacts(artifact_uri=f"{location}/{relative}"))
    except (MlflowException, KeyError, TypeError, OSError):
        return None
    return folder if ModelFolder(folder).has_config() else None


def _registered_model_folder(version) -> Path | None:
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    try:
        location = (
            MlflowClient().get_logged_model(version.source.rstrip("/").split("/")[-1]).artifact_location.rstrip("/")
        )
    except (MlflowException, AttributeError):
        return None
    return _model_folder_at(location)


def _folder_predictor(
    folder: Path, backend: str, quantize: str, threads: int | None, batch_size: int, evidence_quantize: str = "none"
):
    """(predict function, evidence-scoring function, evidence shortlist
    function or None, evidence ranker weights or None, recorded git commit)
    of a model folder on ONNX Runtime or PyTorch. On ONNX Runtime the
    evidence pass may run at another quantisation than the paragraphs
    (onnx_backend.evidence_quantization), on a session made when first used."""
    if not ModelFolder(folder).has_config():
        raise ModelSpecError(f"{folder}: not a Standpunt model folder (needs {CONFIG} and {WEIGHTS})")
    evidence_model = None
    if backend == "onnx":
        from standpunt.models.onnx_backend import LazyOnnxModel, OnnxStanceModel, evidence_quantization

        model = OnnxStanceModel(folder, quantize=quantize, threads=threads)
        evidence_at = evidence_quantization(evidence_quantize, quantize)
        if evidence_at != quantize:
            evidence_model = LazyOnnxModel(folder, evidence_at, threads, model.tokenizer)
    else:
        if threads:
            import torch

            torch.set_num_threads(threads)
        from standpunt.models.stance_model import StanceModel

        model = StanceModel.load(folder)
    predict = partial(model.predict, batch_size=batch_size)
    evidence = partial(evidence_model.predict, batch_size=batch_size) if evidence_model else predict
    shortlist = ranker = None
    combination = Combination.load(folder)
    if combination is not None:  # the rule book's cue model beside the transformer (models/combination.py)
        predict, evidence = combination.wrap(predict), combination.wrap(evidence, gate=False)
        shortlist, ranker = combination.shortlist, combination.evidence_weights
    return predict, evidence, shortlist, ranker, (model.metrics or {}).get("git_commit")


def _registry_predictor(
    given: str | None,
    uri: str,
    settings: RegistrySettings,
    backend: str,
    quantize: str,
    threads: int | None,
    batch_size: int,
    evidence_quantize: str = "none",
) -> Predictor:
    from mlflow.exceptions import MlflowException

    tracking_uri = settings.uri()
    _use_registry(tracking_uri)
    registered = version = None
    aliases: list[str] = []
    if uri.startswith("models:/"):
        try:
            entry = _model_version(uri)
        except MlflowException as exc:
            raise ModelSpecError(f"{uri}: not found in the registry at {tracking_uri}") from exc
        registered, version, aliases = entry.name, str(entry.version), sorted(getattr(entry, "aliases", None) or [])
        folder = _registered_model_folder(entry)
    else:
        folder = _model_folder_at(uri.rstrip("/"))
    if folder is None:
        raise ModelSpecError(f"{uri}: holds no Standpunt model folder ({CONFIG} + {WEIGHTS}) at {tracking_uri}")
    predict, evidence, shortlist, ranker, _ = _folder_predictor(
        folder, backend, quantize, threads, batch_size, evidence_quantize
    )
    identity = ModelIdentity(
        given,
        uri,
        "registry",
        weights_sha256(folder),
        "safetensors",
        registered,
        version,
        aliases,
        recorded_dev_macro_f1(folder),
        str(folder),
    )
    return Predictor(uri, "registry", version, predict, identity, evidence, shortlist, ranker)


def training_paragraphs(config_path: str | Path | None = None) -> tuple[list[str], list[str]]:
    """Texts and labels of the training letters of a training config's split
    (default configs/default.yaml): what train.py fits its baselines on, so
    `--model majority` means the same model everywhere. No datasets import."""
    from standpunt.models.config import load_config
    from standpunt.pipelines.core.corpus import train_split_paragraphs

    data = load_config(config_path or ROOT / "configs" / "default.yaml").data
    return train_split_paragraphs(data.files(), data.dev_fraction, data.split_seed)


def _baseline_predictor(given: str | None, name: str, training: tuple[list[str], list[str]] | None) -> Predictor:
    if name == "lexicon":
        training = ([], [])  # fixed cue phrases: fitted on nothing, so its identity is its name
    elif training is None:
        training = training_paragraphs()
    texts, labels = training
    baseline = make_baseline(name, texts, labels)
    identity = ModelIdentity(
        given, name, "baseline", baseline_sha256(name, list(texts), list(labels)), "baseline+training-data"
    )
    return Predictor(name, "baseline", None, baseline.predict, identity)


def resolve_model(
    spec: str | None,
    baseline_training: tuple[list[str], list[str]] | None = None,
    backend: str = "torch",
    quantize: str = "none",
    threads: int | None = None,
    batch_size: int = 32,
    registry: RegistrySettings | None = None,
    evidence_quantize: str = "none",
) -> Predictor:
    """Load what --model names. Baselines train on `baseline_training`
    (default: the corpus training letters, as train.py fits them); a model
    folder runs on PyTorch or, with backend="onnx", ONNX Runtime, in batches
    of `batch_size` token windows, its evidence pass at `evidence_quantize`
    (none | int8 | auto; ONNX Runtime only)."""
    registry = registry or RegistrySettings()
    resolved = choose_model(spec, registry)
    if resolved in BASELINES:
        return _baseline_predictor(spec, resolved, baseline_training)
    if resolved.startswith(("models:/", "runs:/")):
        return _registry_predictor(spec, resolved, registry, backend, quantize, threads, batch_size, evidence_quantize)
    folder = Path(resolved)
    if folder.is_dir():
        predict, evidence, shortlist, ranker, commit = _folder_predictor(
            folder, backend, quantize, threads, batch_size, evidence_quantize
        )
        identity = ModelIdentity(
            spec,
            str(folder),
            "folder",
            weights_sha256(folder),
            "safetensors",
            dev_macro_f1=recorded_dev_macro_f1(folder),
            folder=str(folder),
        )
        return Predictor(str(folder), "folder", commit, predict, identity, evidence, shortlist, ranker)
    raise ModelSpecError(
        f"{resolved}: not a model folder, a models:/ or runs:/ URI, or a baseline ({', '.join(BASELINES)})"
    )
