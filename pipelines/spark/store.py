"""spark-predict's output folder: OUT/paragraphs.parquet/ and
OUT/letters.parquet/, folders of Parquet part files that each batch of
letters appends to, so a job killed midway keeps every batch it finished
and a rerun does only the rest.

Spark's committer makes a write's files visible only when the write
commits. A batch is written paragraphs first, letters second, both from the
same persisted rows and so with the same partitions: part file i of the
paragraphs holds the paragraphs of exactly the letters in part file i of the
letters. A letter counts as done once its letters row is visible; its
paragraphs were committed before it. A kill between the two writes leaves
paragraph files whose letters are not done: on start they are deleted (they
hold no done letter, by the pairing above) and their letters are done again,
so nothing is lost or duplicated. Folder bookkeeping reads Parquet with
pyarrow on the driver, so OUT must be a path the driver can read and write
(local, or shared storage mounted on the driver and the executors)."""

from __future__ import annotations

import os
from pathlib import Path

from standpunt.pipelines.batch.outputs import LETTERS, PARAGRAPHS
from standpunt.pipelines.batch.tables import parquet_folder

# Test hook: SIGKILL the driver once batch N's paragraphs are committed and
# before its letters are, the worst moment for a kill.
KILL_HOOK_ENV = "STANDPUNT_TEST_SPARK_KILL_AFTER_PARAGRAPHS_OF_BATCH"


def part_files(folder: Path) -> list[Path]:
    """The committed part files of a table folder (Spark's _temporary and
    hidden files are not part of it)."""
    return sorted(folder.glob("*.parquet")) if folder.is_dir() else []


def _letter_ids(path: Path) -> list[str]:
    import pyarrow.parquet as pq

    return pq.read_table(str(path), columns=["letter"]).column("letter").to_pylist()


class ParquetStore:
    """The two tables of OUT and which letters they already hold."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.letters = parquet_folder(self.folder, LETTERS)
        self.paragraphs = parquet_folder(self.folder, PARAGRAPHS)
        self.done: set[str] = set()
        self.totals = {"letters": 0, "ok": 0, "failed": 0, "paragraphs": 0}  # the whole folder, for run.json
        self._scan_letters()
        self.dropped_paragraph_files = self._drop_orphans()
        self.totals["paragraphs"] = self._count_paragraphs()
        self.batches = 0

    def _scan_letters(self) -> None:
        import pyarrow.parquet as pq

        for path in part_files(self.letters):
            table = pq.read_table(str(path), columns=["letter", "status"])
            for letter, status in zip(table.column("letter").to_pylist(), table.column("status").to_pylist()):
                self._count(letter, status, 0)

    def _count(self, letter: str, status: str, paragraphs: int) -> None:
        self.done.add(letter)
        self.totals["letters"] += 1
        self.totals["ok" if status == "ok" else "failed"] += 1
        self.totals["paragraphs"] += paragraphs

    def _drop_orphans(self) -> int:
        """Delete paragraph files of a batch whose letters never committed."""
        dropped = 0
        for path in part_files(self.paragraphs):
            if not set(_letter_ids(path)) <= self.done:
                for stale in (path, path.with_name(f".{path.name}.crc")):
                    stale.unlink(missing_ok=True)
                dropped += 1
        return dropped

    def _count_paragraphs(self) -> int:
        import pyarrow.parquet as pq

        return sum(pq.ParquetFile(str(path)).metadata.num_rows for path in part_files(self.paragraphs))

    def append(self, frame) -> list:
        """Write one batch (rows of schema.LETTER_WITH_PARAGRAPHS): its
        paragraphs, then its letters. Returns the batch's letters (letter,
        status, reason, error, n_paragraphs) for the counts and the log."""
        from pyspark import StorageLevel
        from pyspark.sql import functions as F

        self.batches += 1
        frame = frame.persist(StorageLevel.MEMORY_AND_DISK)  # computed once, written twice
        try:
            (
                frame.select(F.explode("paragraphs").alias("p"))
                .select("p.*")
                .write.mode("append")
                .parquet(str(self.paragraphs))
            )
            if os.environ.get(KILL_HOOK_ENV) == str(self.batches):
                import signal

                os.kill(os.getpid(), signal.SIGKILL)
            frame.drop("paragraphs").write.mode("append").parquet(str(self.letters))
            letters = frame.select("letter", "status", "reason", "error", "n_paragraphs").collect()
        finally:
            frame.unpersist()
        for row in letters:
            self._count(row.letter, row.status, row.n_paragraphs or 0)
        return letters
