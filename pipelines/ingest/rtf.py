"""Rich Text Format letters (.rtf, what older word processors and many
e-mail systems export), through striprtf (BSD), which drops destinations
such as headers, footers, footnotes and embedded pictures.

An RTF file is 7-bit text with escapes, so a file that does not start with
the {\\rtf signature is not one, whatever its name."""

from __future__ import annotations

import re
from pathlib import Path

from standpunt.pipelines.core.errors import IngestError

SIGNATURE = b"{\\rtf"
_CELLS = re.compile(r"\s*\|\s*")
# Hex-encoded blobs (logos, embedded objects, Word's theme and data store)
# are most of a large RTF letter's bytes and none of its text.
_BLOB_GROUP = re.compile(r"\{\\(?:\*\\)?(?:pict|shppict|nonshppict|objdata|datastore|themedata|colorschememapping)\b")
_BRACE = re.compile(r"\\[\\{}]|[{}]")
_BINARY = re.compile(r"\\bin-?\d")  # \binN: N raw bytes follow (\binfsxn and the like are other words)
# striprtf builds its output by repeated string concatenation, which can turn
# quadratic in a long-running worker: measured, a one-line RTF of 2 MB took 19 s
# in a fresh process and over 60 s in a busy one. Letters are far smaller
# once the blobs are gone.
MAX_MARKUP_CHARS = 1_000_000


def looks_like_rtf(data: bytes) -> bool:
    return data.lstrip()[:5] == SIGNATURE


def drop_blobs(markup: str) -> str:
    """The markup without picture, object and data-store groups, found by
    brace matching (escaped braces skipped). Binary (\\bin) data may hold
    stray braces, so a file with it is left for striprtf to handle."""
    if _BINARY.search(markup):
        return markup
    kept, position = [], 0
    for start in _BLOB_GROUP.finditer(markup):
        if start.start() < position:
            continue  # inside a group already dropped
        depth = 0
        end = len(markup)
        for token in _BRACE.finditer(markup, start.start()):
            if token.group() == "{":
                depth += 1
            elif token.group() == "}":
                depth -= 1
                if depth == 0:
                    end = token.end()
                    break
        # An empty group in its place ends a control word just before it
        # (\\par{...}Tekst must not become \\parTekst) and writes nothing.
        kept.append(markup[position : start.start()] + "{}")
        position = end
    kept.append(markup[position:])
    return "".join(kept)


def rtf_to_text(markup: str) -> str:
    """RTF markup -> blocks separated by blank lines. striprtf ends every
    paragraph (\\par) and table row with a newline and every cell with '|'."""
    from striprtf.striprtf import rtf_to_text as strip

    blocks = []
    for line in strip(markup, errors="replace").splitlines():
        if "|" in line:
            cells = [cell for cell in _CELLS.split(line) if cell]
            line = " | ".join(dict.fromkeys(cells))
        line = line.strip()
        if line:
            blocks.append(line)
    return "\n\n".join(blocks)


def read_rtf(path: Path) -> tuple[str, list[str]]:
    data = path.read_bytes()
    if not looks_like_rtf(data):
        raise IngestError(str(path), "corrupted", "not an RTF file (no {\\rtf signature)")
    # RTF is ASCII; 8-bit bytes outside escapes are rare and meant as the
    # document's ANSI code page, which is cp1252 for Dutch letters.
    markup = drop_blobs(data.decode("cp1252", errors="replace"))
    if len(markup) > MAX_MARKUP_CHARS:
        raise IngestError(
            str(path),
            "too-large",
            f"RTF of {len(markup) / 1e6:.1f} million characters without its pictures, "
            f"over the {MAX_MARKUP_CHARS / 1e6:.0f} million the RTF reader handles in time",
        )
    return rtf_to_text(markup), []
