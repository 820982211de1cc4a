"""The Spark side of one batch of letters: a DataFrame of their files
(binaryFile rows), classified in the executors (executor.py) and appended to
the output folder (store.py).

Work goes in batches of letters, each its own Spark job with its own
commit, because a Spark write only becomes visible when it commits: one job
over the whole archive would keep nothing of a run killed at 99%. Batches
are large enough that Spark's per-job cost (listing the batch's files,
scheduling) is small next to the work (README, Spark)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial, reduce

from standpunt.pipelines.predict_config import PredictConfig
from standpunt.pipelines.spark.executor import ModelShipment, classify_partition
from standpunt.pipelines.spark.listing import ListedFile, escape_glob
from standpunt.pipelines.spark.schema import FILE_ROW, LETTER_WITH_PARAGRAPHS
from standpunt.pipelines.spark.store import ParquetStore

DEFAULT_BATCH_LETTERS = 500


def batches(files: list[ListedFile], size: int) -> Iterator[list[ListedFile]]:
    for start in range(0, len(files), size):
        yield files[start : start + size]


def files_frame(spark, batch: list[ListedFile], max_bytes: int):
    """The batch's files as binaryFile rows (path, length, content). Files
    over the size limit, files that do not exist and empty files (which a
    Spark scan skips) come without content: Spark never reads them (the
    executor records them as too-large, missing or empty)."""
    readable = [f for f in batch if 0 < f.length <= max_bytes]
    unread = [f for f in batch if not 0 < f.length <= max_bytes]
    frames = []
    if readable:
        frames.append(
            spark.read.format("binaryFile")
            .load([escape_glob(f.path) for f in readable])
            .select("path", "length", "content")
        )
    if unread:
        frames.append(spark.createDataFrame([(f.path, f.length, None) for f in unread], FILE_ROW))
    return reduce(lambda a, b: a.unionByName(b), frames)


def classified_frame(spark, batch: list[ListedFile], model: ModelShipment, config: PredictConfig):
    """One row a letter of the batch, with its labelled paragraphs (schema.LETTER_WITH_PARAGRAPHS)."""
    max_bytes = int(config.max_size_mb * 1024 * 1024)
    letters = {f.path: (f.letter, f.source) for f in batch}
    function = partial(classify_partition, letters=letters, model=model, config=config, max_bytes=max_bytes)
    return files_frame(spark, batch, max_bytes).mapInArrow(function, LETTER_WITH_PARAGRAPHS)


def run_batches(
    spark,
    todo: list[ListedFile],
    store: ParquetStore,
    model: ModelShipment,
    config: PredictConfig,
    batch_letters: int,
    on_batch: Callable[[list, int], None],
) -> None:
    """Classify and append every batch; on_batch(letters of the batch, letters in it) after each commit."""
    for batch in batches(todo, batch_letters):
        written = store.append(classified_frame(spark, batch, model, config))
        on_batch(written, len(batch))
