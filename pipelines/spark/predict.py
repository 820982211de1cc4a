"""spark_predict: `standpunt predict` on a SparkSession. Same inputs, same
letter ids, same records (as Parquet), same run.json, same resume rule.

The driver lists the letters and names them (listing.py), resolves the
model exactly as predict does (pipelines/batch/runner.py's configured_predictor
call, so run.json names the same model) and ships its folder to the
executors once (SparkContext.addFile); the executors read, segment and
classify (executor.py); the driver appends batch after batch to the output
folder (store.py) and writes run.json (pipelines/batch/manifest.py)."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from standpunt.models.loading import Predictor
from standpunt.models.tracking import git_commit, standpunt_version
from standpunt.pipelines.batch.manifest import (
    ModelMismatchError,
    check_resume,
    finish,
    new_manifest,
    predictor_record,
    write_manifest,
)
from standpunt.pipelines.batch.outputs import LETTERS
from standpunt.pipelines.batch.runner import NothingToPredict, RunStats, configured_predictor, start_afresh
from standpunt.pipelines.predict_config import PredictConfig
from standpunt.pipelines.spark.executor import ModelShipment
from standpunt.pipelines.spark.job import DEFAULT_BATCH_LETTERS, run_batches
from standpunt.pipelines.spark.listing import list_letters
from standpunt.pipelines.spark.store import ParquetStore


def folder_digest(folder: Path) -> str:
    """A hash of every file in a model folder (weights, config.json, which
    names the base encoder, metrics): two folders with the same weights but
    another config are other models to ship."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def ship_model(spark, predictor: Predictor) -> ModelShipment:
    """Add the model folder to the SparkContext (each executor fetches it
    once). It goes under a name made of its contents' hash, so two models
    never clash in one SparkContext and the same model is added once. A baseline is
    shipped by name: the executors fit it as the driver did."""
    identity = predictor.identity
    if predictor.kind == "baseline":
        return ModelShipment(identity.resolved, False, identity.short)
    name = f"standpunt-model-{folder_digest(Path(identity.folder))}"
    target = Path(tempfile.gettempdir()) / "standpunt-spark-models" / name
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=target.parent))
        shutil.copytree(identity.folder, staging / name)
        try:
            (staging / name).rename(target)
        except OSError:
            pass  # another run added the same model first
        shutil.rmtree(staging, ignore_errors=True)
    spark.sparkContext.addFile(str(target), recursive=True)
    return ModelShipment(name, True, identity.short)


def spark_predict(
    spark,
    inputs: list[str],
    out: str | Path,
    config: PredictConfig,
    model: str | None = None,
    batch_letters: int = DEFAULT_BATCH_LETTERS,
    force_new: bool = False,
    log: Callable[[str], None] = print,
) -> RunStats:
    """Label every letter the inputs name into out (resuming what is there).
    `model` overrides config.model; out must be a path the driver can write
    (local, or shared storage the executors see at the same path)."""
    started = time.time()
    if model is not None:
        config.model = model
    stats = RunStats()
    files, stats.unmatched = list_letters(spark, list(inputs))
    if not files:
        raise NothingToPredict("nothing to predict: no files found in the inputs")
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    predictor = configured_predictor(config)
    record = predictor_record(predictor, config)
    if force_new:
        start_afresh(folder, log)
    if (folder / LETTERS).exists():  # one folder, one engine: resuming keys on the Parquet tables
        raise ModelMismatchError(
            f"{folder}: holds letters.jsonl of `standpunt predict`; spark-predict writes Parquet: "
            "use another --out, or --force-new to start it afresh"
        )
    previous = check_resume(folder, record)
    manifest = new_manifest(record, config, previous, standpunt_version(), git_commit())
    store = ParquetStore(folder)
    shipment = ship_model(spark, predictor)
    del predictor  # the executors load their own copy
    todo = [f for f in files if f.letter not in store.done]
    stats.already_done = len(files) - len(todo)
    if stats.already_done:
        log(f"standpunt: resuming in {folder}: {stats.already_done} letters already done, {len(todo)} to go")
    write_manifest(folder, manifest)  # before the first letter: a killed run still names its model

    def on_batch(letters: list, size: int) -> None:
        for row in letters:
            if row.status == "ok":
                stats.ok += 1
                stats.paragraphs += row.n_paragraphs or 0
            else:
                stats.failed += 1
                stats.failures[row.reason] += 1
                log(f"standpunt: {row.error}")
        elapsed = max(time.time() - started, 1e-6)
        log(f"standpunt: {stats.ok + stats.failed}/{len(todo)} letters, {stats.paragraphs / elapsed:.1f} paragraphs/s")

    run_batches(spark, todo, store, shipment, config, batch_letters, on_batch)
    stats.seconds = time.time() - started
    finish(
        manifest,
        dict(store.totals),
        {
            "letters_ok": stats.ok,
            "letters_failed": stats.failed,
            "already_done": stats.already_done,
            "paragraphs": stats.paragraphs,
            "worker_restarts": 0,
        },
    )
    write_manifest(folder, manifest)
    return stats
