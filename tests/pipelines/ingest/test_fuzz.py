"""Fuzzing ingestion + segmentation through the function the batch runner's
workers call (read_and_segment): whatever the file, it must end `ok` or
`error` with a known reason and a one-line message naming the file, within a
time bound, and never as an exception (the worker's catch-all reports those
as reason `internal`, which counts as a failure here).

About 1,060 generated files in all; benchmarks/fuzz_ingest.py runs 10,000."""

from __future__ import annotations

import random
import shutil
import tempfile
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from standpunt.pipelines.batch.reading import read_and_segment
from standpunt.pipelines.ingest.doc import OLE_SIGNATURE
from tests.pipelines.ingest import fuzz_files
from tests.pipelines.ingest.fuzz_files import EXTENSIONS, SCRIPT_MARK, STYLE_MARK

REASONS = {"empty", "binary", "encoding", "scanned-pdf", "corrupted", "too-large", "no-paragraphs", "unsupported"}
# Generous for a shared 2-core machine: the slowest generated file (a 1 MB
# single line) takes about 1 s; a hang takes forever.
PER_FILE_S = 20.0
MAX_BYTES = 20 * 1024 * 1024


def fuzz(examples: int) -> settings:
    # Time is checked per file in ingest(), not by hypothesis's deadline, which
    # a busy shared machine trips at random.
    return settings(
        max_examples=examples,
        deadline=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def ingest(name: str, data: bytes) -> dict:
    """Write the file, run the worker's function on it and check the outcome."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        started = time.perf_counter()
        result = read_and_segment((str(path), name, MAX_BYTES))
        elapsed = time.perf_counter() - started
    assert elapsed < PER_FILE_S, f"{name} ({len(data)} bytes) took {elapsed:.1f} s"
    assert result["letter"] == name and result["source"] == str(path)
    if result["status"] == "error":
        assert result["reason"] in REASONS, result["error"]
        assert result["error"].startswith(str(path) + ": ") and "\n" not in result["error"], result["error"]
    else:
        assert result["status"] == "ok" and result["paragraphs"]
        for paragraph in result["paragraphs"]:
            assert paragraph["text"].strip() and paragraph["letter"] == name
            assert all(0 <= a < b for a, b in paragraph["spans"])
            assert SCRIPT_MARK not in paragraph["text"] and STYLE_MARK not in paragraph["text"]
    return result


MAGIC = st.sampled_from(
    [
        b"",
        b"%PDF-1.4\n",
        b"PK\x03\x04",
        b"{\\rtf1 ",
        OLE_SIGNATURE,
        b"\xff\xfe",
        b"\xfe\xff",
        b"\xef\xbb\xbf",
        b"<html><body><p>",
        b"Geachte voorzitter,\n\n",
    ]
)


@fuzz(450)
@given(magic=MAGIC, body=st.binary(max_size=4096), extension=st.sampled_from(EXTENSIONS))
def test_random_bytes(magic, body, extension):
    ingest("junk" + extension, magic + body)


@fuzz(300)
@given(
    kind=st.sampled_from(fuzz_files.DOCUMENTS),
    cut=st.floats(0, 1),
    damage=st.booleans(),
    rng=st.randoms(use_true_random=False),
)
def test_truncated_and_damaged_documents(kind, cut, damage, rng):
    data = fuzz_files.real_file(kind)
    data = data[: int(len(data) * cut)]
    if damage and data:
        data = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            at = rng.randrange(len(data))
            data[at : at + 16] = rng.randbytes(16)
        data = bytes(data)
    ingest(f"cut.{kind}", data)


@fuzz(300)
@given(
    generator=st.sampled_from(
        ["nul-bytes", "mixed-encodings", "html-scripts", "hostile-odt", "hostile-rtf", "random-bytes"]
    ),
    seed=st.integers(0, 2**32 - 1),
)
def test_hostile_text_and_markup(generator, seed):
    name, data = fuzz_files.GENERATORS[generator](random.Random(seed))
    ingest(name, data)


@fuzz(12)
@given(
    size=st.sampled_from([10_000, 200_000, 1_000_000]),
    unit=st.sampled_from(["Ik deel de conclusie. ", "x", "é€ ", "\t"]),
    extension=st.sampled_from([".txt", ".html", ".rtf"]),
)
def test_huge_single_lines(size, unit, extension):
    text = (unit * (size // len(unit) + 1))[:size]
    data = ("<p>" + text if extension == ".html" else "{\\rtf1 " + text + "}" if extension == ".rtf" else text).encode(
        "utf-8"
    )
    ingest("oneline" + extension, data)


def test_generated_files_that_must_be_read():
    """The fuzz checks above accept errors; these hostile-looking files are
    letters and must come out ok, their scripts and styles left out."""
    for seed in range(20):
        name, data = fuzz_files.html_with_scripts(random.Random(seed))
        if b"<div><div>" not in data and name.endswith(".html"):
            assert ingest(name, data)["status"] == "ok"
    for kind in fuzz_files.DOCUMENTS:
        if kind != "doc" or shutil.which("antiword"):
            assert ingest(f"whole.{kind}", fuzz_files.real_file(kind))["status"] == "ok"
