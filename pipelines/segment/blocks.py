"""Cut a letter's text into blocks at blank lines, keeping offsets.

Blank lines are the one layout signal every extraction keeps (txt, PDF as we
render it, docx, HTML), so they are the unit the rest of the segmenter
reasons about. Offsets are kept exactly so that spans point into the
original text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")


@dataclass
class Line:
    start: int
    end: int  # exclusive, without the line break and trailing white space
    text: str
    page_break: bool = False  # the raw line held a form feed


@dataclass
class Block:
    lines: list[Line]
    page: int
    kind: str = "unknown"  # paragraph | heading | furniture
    reason: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def start(self) -> int:
        return self.lines[0].start

    @property
    def end(self) -> int:
        return self.lines[-1].end

    @property
    def text(self) -> str:
        return " ".join(line.text for line in self.lines)


def split_lines(text: str) -> list[Line]:
    """Lines with offsets of their visible content (leading/trailing blanks cut)."""
    lines = []
    for match in _LINE.finditer(text):
        raw = match.group(0)
        if not raw:
            continue
        content = raw.rstrip("\r\n")
        stripped = content.strip()
        lead = len(content) - len(content.lstrip())
        start = match.start() + lead
        lines.append(Line(start, start + len(stripped), stripped, "\f" in content))
    return lines


def split_blocks(text: str) -> list[Block]:
    """Blocks of consecutive non-blank lines. A form feed (PDF page break)
    counts as a blank line and increments the page number."""
    blocks: list[Block] = []
    current: list[Line] = []
    page = 0
    for line in split_lines(text):
        if line.page_break:
            if current:
                blocks.append(Block(current, page))
                current = []
            page += 1
        if not line.text:
            if current:
                blocks.append(Block(current, page))
                current = []
            continue
        current.append(line)
    if current:
        blocks.append(Block(current, page))
    return blocks
