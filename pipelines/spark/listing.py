"""INPUT arguments -> the letter files Spark will read, each with the same
letter id and `source` that `standpunt predict` gives it.

Runs on the driver and lists through Hadoop's FileSystem (a folder through
Spark's binaryFile source, which lists in parallel), so an input may be a
local path or any Hadoop filesystem URI (hdfs://, s3a://, abfss://). The ids
come from the one function predict uses (pipelines/inputs.py,
assign_letter_ids) over the same (file, path relative to its input root)
pairs, so both engines name every letter alike (docs/formats.md,
"contract-letter-ids").

Spark's listing leaves out files and folders whose names start with `.`
(as predict does) and also with `_` (Spark's convention for metadata such
as _SUCCESS; predict would read them)."""

from __future__ import annotations

import glob
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from standpunt.pipelines.inputs import assign_letter_ids

MISSING = -1  # `length` of a file named on the command line that does not exist


@dataclass(frozen=True)
class ListedFile:
    """A letter to read: where Spark finds it and what the outputs call it."""

    path: str  # the file as Spark's binaryFile source names it (a qualified URI); for a missing file, a unique key
    length: int  # bytes; MISSING when the file does not exist
    letter: str
    source: str  # the input file as predict names it (docs/outputs.md)


def escape_glob(path: str) -> str:
    """A path that Spark's load() takes literally: it treats {}[]*?\\ as glob syntax."""
    return re.sub(r"([\\{}\[\]*?])", r"\\\1", path)


def hadoop_path(uri: str) -> str:
    """A file index's URI (file:///a/x%20y.txt) as binaryFile's `path`
    column and Hadoop's Path.toString write it (file:/a/x y.txt)."""
    parts = urlsplit(uri)
    return f"{parts.scheme}:{'//' + parts.netloc if parts.netloc else ''}{unquote(parts.path)}"


def _is_uri(item: str) -> bool:
    return "://" in item or item.startswith("file:")


def _as_given(item: str) -> str:
    """A file named on the command line as predict names it (str(Path(item)))."""
    return item if _is_uri(item) else str(PurePosixPath(item))


def _join(root: str, relative: str) -> str:
    """root/relative as predict writes it (str(Path(root) / relative)) for a
    local path; a URI keeps its scheme's slashes."""
    if _is_uri(root):
        return root.rstrip("/") + "/" + relative
    return str(PurePosixPath(root) / relative)


def _glob_root(pattern: str) -> str:
    """The part of a glob before its first wildcard component ('' for none)."""
    parts = pattern.split("/")
    fixed = []
    for part in parts:
        if glob.has_magic(part):
            break
        fixed.append(part)
    return "/".join(fixed) or ("/" if pattern.startswith("/") else "")


class _Lister:
    """Hadoop FileSystem calls through the driver's JVM."""

    def __init__(self, spark):
        self.spark = spark
        self.jvm = spark.sparkContext._jvm
        self.conf = spark.sparkContext._jsc.hadoopConfiguration()

    def qualified(self, item: str):
        path = self.jvm.org.apache.hadoop.fs.Path(item or ".")
        fs = path.getFileSystem(self.conf)
        return fs, fs.makeQualified(path)

    def folder(self, qualified: str) -> list[tuple[str, int]]:
        """Every visible file under a folder, recursively, as Spark's
        binaryFile source lists it. Its rows leave out empty files (a scan
        skips zero-length files), its file index does not: an empty file is
        a letter, recorded as `empty`, as predict records it."""
        frame = self.spark.read.format("binaryFile").option("recursiveFileLookup", "true").load(escape_glob(qualified))
        lengths = {row.path: int(row.length) for row in frame.select("path", "length").collect()}
        return [(path, lengths.get(path, 0)) for path in map(hadoop_path, frame.inputFiles())]


def list_letters(spark, inputs: list[str]) -> tuple[list[ListedFile], list[str]]:
    """(the letters to read, with predict's ids and sources; the inputs that matched nothing)."""
    lister = _Lister(spark)
    found: list[tuple[str, int, str, str]] = []  # (path, length, source, relative to its root)
    unmatched: list[str] = []
    seen: set[str] = set()

    def add(path: str, length: int, source: str, relative: str) -> None:
        if path not in seen:
            seen.add(path)
            found.append((path, length, source, relative))

    for item in inputs:
        fs, qualified = lister.qualified(item)
        if fs.exists(qualified) and fs.getFileStatus(qualified).isDirectory():
            root = qualified.toString().rstrip("/")
            files = sorted(lister.folder(root))
            for path, length in files:
                relative = path[len(root) + 1 :]
                add(path, length, _join(item, relative), relative)
            if not files:
                unmatched.append(item)
        elif fs.exists(qualified):
            status = fs.getFileStatus(qualified)
            add(status.getPath().toString(), int(status.getLen()), _as_given(item), status.getPath().getName())
        elif glob.has_magic(item):
            prefix = _glob_root(item)
            _, qualified_prefix = lister.qualified(prefix)
            root = qualified_prefix.toString().rstrip("/")
            matches = sorted(
                (s.getPath().toString(), int(s.getLen())) for s in (fs.globStatus(qualified) or []) if s.isFile()
            )
            for path, length in matches:
                add(
                    path,
                    length,
                    _join(prefix, path[len(root) + 1 :]) if prefix else path[len(root) + 1 :],
                    path.rsplit("/", 1)[-1],
                )
            if not matches:
                unmatched.append(item)
        else:  # reported as `missing` by the reader, as predict does
            add(f"missing:{item}", MISSING, _as_given(item), PurePosixPath(item).name)
    named = assign_letter_ids([(PurePosixPath(source), relative) for _, _, source, relative in found])
    return [
        ListedFile(path, length, file.letter, source) for (path, length, source, _), file in zip(found, named)
    ], unmatched
