"""The two tables of a predict folder as records, whichever engine wrote
them: `standpunt predict` writes paragraphs.jsonl and letters.jsonl,
`standpunt spark-predict` writes paragraphs.parquet/ and letters.parquet/
(folders of Parquet part files with the same fields, nested as in the
JSONL). Readers such as `standpunt report` call read_table and get the same
dicts from either, so nothing downstream needs to know which engine ran.

Reading Parquet here uses pyarrow only: pyspark is not needed to read a
Spark job's output."""

from __future__ import annotations

from pathlib import Path

from standpunt.pipelines.batch.outputs import LETTERS, PARAGRAPHS, read_jsonl

PARQUET_SUFFIX = ".parquet"
# The fields a letter line carries when its letter could not be read
# (docs/outputs.md); a Parquet row has every column, null where unused.
ERROR_FIELDS = ("letter", "source", "status", "reason", "error")


def letter_record(row: dict) -> dict:
    """A letters.parquet row as the letters.jsonl line predict writes:
    an error letter keeps only its ERROR_FIELDS, an ok letter drops them."""
    if row.get("status") != "ok":
        return {key: row.get(key) for key in ERROR_FIELDS}
    return {key: value for key, value in row.items() if key not in ("reason", "error")}


def parquet_folder(folder: str | Path, jsonl_name: str) -> Path:
    """letters.jsonl -> letters.parquet (a folder of part files)."""
    return Path(folder) / (Path(jsonl_name).stem + PARQUET_SUFFIX)


def read_parquet_records(path: Path) -> list[dict]:
    """Every row of a Parquet file or folder of part files (Spark's _SUCCESS
    and _temporary, and hidden files, are skipped by pyarrow)."""
    import pyarrow.parquet as pq

    return pq.read_table(str(path)).to_pylist()


def _read(folder: str | Path, jsonl_name: str) -> list[dict] | None:
    """The JSONL's records, else the Parquet folder's rows; None when neither is there."""
    folder = Path(folder)
    if (folder / jsonl_name).exists():
        return read_jsonl(folder / jsonl_name)
    parquet = parquet_folder(folder, jsonl_name)
    return read_parquet_records(parquet) if parquet.is_dir() else None


def read_letters(folder: str | Path) -> list[dict]:
    """letters.jsonl, else letters.parquet/ as the same records; [] when neither."""
    rows = _read(folder, LETTERS)
    if rows is None:
        return []
    return rows if (Path(folder) / LETTERS).exists() else [letter_record(row) for row in rows]


def read_paragraphs(folder: str | Path) -> list[dict]:
    """paragraphs.jsonl, else paragraphs.parquet/; [] when neither."""
    return _read(folder, PARAGRAPHS) or []
