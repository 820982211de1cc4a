"""Rich Text Format letters (.rtf, what older word processors and many
e-mail systems export), through striprtf (BSD), which drops destinations
such as headers, footers, footnotes and embedded pictures.

An RTF file is 7-bit text with escapes, so a file that does not start with
the {\\rtf signature is not one, whatever its name."""

from __future__ import annotations

import re
from pathlib import Path

from standpunt.pipelines.errors import IngestError

SIGNATURE = b"{\\rtf"
_CELLS = re.compile(r"\s*\|\s*")


def looks_like_rtf(data: bytes) -> bool:
    return data.lstrip()[:5] == SIGNATURE


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
    return rtf_to_text(data.decode("cp1252", errors="replace")), []
