"""Word 97-2003 letters (.doc) through Debian's antiword (GPL), run as a
separate program: there is no maintained pure-Python reader of the binary
Word format. Without antiword installed, a .doc is reported as unsupported
with the reason, rather than silently skipped.

Old archives also hold RTF and HTML files that Word saved under a .doc name;
those are recognised by their first bytes and read as what they are."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from standpunt.pipelines.core.errors import IngestError
from standpunt.pipelines.ingest.html import read_html
from standpunt.pipelines.ingest.rtf import looks_like_rtf, read_rtf

# The binary Word format lives in an OLE2 compound file.
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
TIMEOUT_S = 60


def antiword_text(output: str) -> str:
    """antiword -w 0 writes a paragraph a line; blocks get a blank line between
    them, as the other readers give, and its picture markers are dropped."""
    blocks = []
    for line in output.splitlines():
        line = line.strip()
        if line and not re.fullmatch(r"\[pic\]", line):
            blocks.append(line)
    return "\n\n".join(blocks)


def read_doc(path: Path) -> tuple[str, list[str]]:
    shown = str(path)
    with path.open("rb") as handle:
        head = handle.read(1024)
    if looks_like_rtf(head):
        text, warnings = read_rtf(path)
        return text, warnings + ["an RTF file named .doc; read as RTF"]
    if re.match(rb"\s*(<!doctype html|<html)", head, re.I):
        text, warnings = read_html(path)
        return text, warnings + ["an HTML file named .doc; read as HTML"]
    if not head.startswith(OLE_SIGNATURE):
        raise IngestError(shown, "corrupted", "not a Word 97-2003 document (no OLE2 signature)")
    antiword = shutil.which("antiword")
    if antiword is None:
        raise IngestError(
            shown,
            "unsupported",
            "Word 97-2003 (.doc) needs antiword, which is not installed (apt-get install antiword)",
        )
    try:
        result = subprocess.run(
            # absolute, so that a file named "-x.doc" cannot read as an option
            [antiword, "-m", "UTF-8.txt", "-w", "0", str(path.resolve())],
            capture_output=True,
            timeout=TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise IngestError(shown, "corrupted", f"antiword did not finish within {TIMEOUT_S} s") from exc
    if result.returncode < 0:  # antiword reads past its buffers on some damaged files and is killed
        raise IngestError(
            shown, "corrupted", f"corrupted .doc file (antiword crashed on it, signal {-result.returncode})"
        )
    if result.returncode != 0:
        detail = (
            re.sub(r"\s+", " ", result.stderr.decode("utf-8", errors="replace")).strip()
            or f"exit code {result.returncode}"
        )
        raise IngestError(shown, "corrupted", f"corrupted .doc file (antiword: {detail[:200]})")
    return antiword_text(result.stdout.decode("utf-8", errors="replace")), []
