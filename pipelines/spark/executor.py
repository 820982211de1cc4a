"""What runs in the Spark executors: a partition of letter files (binaryFile
rows: path, length, content) -> one row per letter with its labelled
paragraphs, findings and metadata (schema.LETTER_WITH_PARAGRAPHS).

Letters are read by the very function predict's reader processes call
(pipelines/batch/reading.py, read_and_segment) and labelled and summarised
by the one predict's main process calls (pipelines/batch/runner.py,
classify_group), so both engines give the same records. The readers take a
file path (python-docx and antiword need one), so each letter's
bytes are written to a temporary file under the letter's own file name (the
extension picks the reader) and the temporary path is replaced by the
letter's `source` in what comes back. A file over the size limit is not
read by Spark at all: it arrives without content and becomes a sparse file
of its true length, which the reader refuses as `too-large` with predict's
exact message.

The model is loaded once per Python worker (PREDICTORS), from the folder
the driver shipped with SparkContext.addFile, never per row or per task."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from standpunt.models.loading import Predictor, resolve_model
from standpunt.pipelines.batch.reading import read_and_segment
from standpunt.pipelines.batch.runner import LARGEST_GROUP, classify_group
from standpunt.pipelines.predict_config import PredictConfig
from standpunt.pipelines.spark.listing import MISSING

# Loaded models of this Python worker, by (model, settings): Spark reuses a
# worker for many tasks (spark.python.worker.reuse, on by default).
PREDICTORS: dict[tuple, Predictor] = {}


@dataclass(frozen=True)
class ModelShipment:
    """Which model the executors load: a SparkFiles name (a folder the driver
    added with addFile) or a baseline name, and the short hash the driver
    resolved, which the executors must find again."""

    name: str
    shipped: bool
    short: str


def _threads(config: PredictConfig) -> int:
    """ONNX Runtime threads: the config's, else the cores Spark gave the task
    (spark.task.cpus), so the workers of one machine do not oversubscribe it."""
    if config.inference.threads:
        return config.inference.threads
    from pyspark import TaskContext

    context = TaskContext.get()
    return int(context.cpus()) if context is not None else 1


def load_predictor(model: ModelShipment, config: PredictConfig) -> Predictor:
    """The worker's copy of the model, loaded on first use."""
    threads = _threads(config)
    inference = config.inference
    key = (model, inference.backend, inference.quantize, inference.evidence_quantize, threads, config.batch_size)
    if key not in PREDICTORS:
        from pyspark import SparkFiles

        spec = SparkFiles.get(model.name) if model.shipped else model.name
        predictor = resolve_model(
            spec,
            backend=config.inference.backend,
            quantize=config.inference.quantize,
            threads=threads,
            batch_size=config.batch_size,
            registry=config.tracking,
            evidence_quantize=config.inference.evidence_quantize,
        )
        if predictor.identity.short != model.short:
            raise RuntimeError(f"executor loaded model {predictor.identity.short}, the driver resolved {model.short}")
        PREDICTORS[key] = predictor
    return PREDICTORS[key]


def read_letter(
    path: str, length: int, content: bytes | None, letter: str, source: str, max_bytes: int, scratch: Path
) -> dict:
    """read_and_segment on the letter's bytes, as if predict read `source`."""
    folder = Path(tempfile.mkdtemp(dir=scratch))
    local = folder / PurePosixPath(source).name
    try:
        if length != MISSING:
            with local.open("wb") as handle:
                if content is None:
                    handle.truncate(length)  # over the size limit: only its size matters (sparse)
                else:
                    handle.write(content)
        result = read_and_segment((str(local), letter, max_bytes))
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    def restore(text: str) -> str:
        return text.replace(str(local), source)

    result["source"] = source
    if "error" in result:
        result["error"] = restore(result["error"])
    if "warnings" in result:
        result["warnings"] = [restore(w) for w in result["warnings"]]
    for paragraph in result.get("paragraphs", ()):
        paragraph["source"] = source
    return result


def _rows(group: list[dict], predictor: Predictor, config: PredictConfig) -> list[dict]:
    return [{**letter, "paragraphs": paragraphs} for letter, paragraphs in classify_group(group, predictor, config)]


def classify_partition(
    batches, letters: dict[str, tuple[str, str]], model: ModelShipment, config: PredictConfig, max_bytes: int
) -> Iterator:
    """mapInArrow's function: Arrow batches of (path, length, content) in,
    Arrow batches of LETTER_WITH_PARAGRAPHS out. `letters` maps each path of
    this job's batch to its (letter id, source), computed on the driver.
    Letters are classified in groups of about LARGEST_GROUP paragraphs, as
    predict groups them, so paragraphs are sorted by length and padded less."""
    import pyarrow as pa
    from pyspark.sql.pandas.types import to_arrow_schema

    from standpunt.pipelines.spark.schema import LETTER_WITH_PARAGRAPHS

    schema = to_arrow_schema(LETTER_WITH_PARAGRAPHS)
    predictor = load_predictor(model, config)
    group: list[dict] = []
    n_paragraphs = 0
    with tempfile.TemporaryDirectory(prefix="standpunt-spark-") as scratch:
        for batch in batches:
            paths, lengths, contents = (batch.column(name) for name in ("path", "length", "content"))
            for i in range(batch.num_rows):
                path = paths[i].as_py()
                letter, source = letters[path]
                result = read_letter(
                    path, lengths[i].as_py(), contents[i].as_py(), letter, source, max_bytes, Path(scratch)
                )
                group.append(result)
                n_paragraphs += len(result.get("paragraphs", ()))
                if n_paragraphs >= LARGEST_GROUP:
                    yield pa.RecordBatch.from_pylist(_rows(group, predictor, config), schema=schema)
                    group, n_paragraphs = [], 0
        if group:
            yield pa.RecordBatch.from_pylist(_rows(group, predictor, config), schema=schema)
