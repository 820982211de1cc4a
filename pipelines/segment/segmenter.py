"""Document -> Paragraphs.

Steps, each small enough to debug on one letter:
1. cut the text into blank-line blocks (blocks.py);
2. mark furniture: named rules (furniture.py) and short blocks that repeat
   (page headers and footers);
3. peel furniture lines off the top of a block that runs into the body
   (Kamerstuk headers, "Aan de Voorzitter ...", "Den Haag, <date>") and split
   off a title line that sits directly above the body text;
4. call the rest paragraph (a sentence, or long enough to be one) or heading
   (a short title line right above a paragraph); other leftovers are furniture;
5. join a paragraph that a page break (or its furniture) cut in two;
6. give every paragraph the nearest heading above it."""

from __future__ import annotations

import re
from collections import Counter

from standpunt.pipelines.core.text import fold
from standpunt.pipelines.document import Document, Paragraph
from standpunt.pipelines.segment.blocks import Block, Line, split_blocks
from standpunt.pipelines.segment.furniture import block_rule, ends_sentence

_BULLET = re.compile(r"^(?:[•·▪◦●\-–—*]|\d{1,2}[.)]\s|[a-z][.)]\s)\s*")
_WORD = re.compile(r"\w+")
_MIN_PARAGRAPH_WORDS = 20
_MAX_HEADING_WORDS = 14
_MAX_HEADING_CHARS = 160
_PEELABLE = {
    "return-address",
    "reference-label",
    "date",
    "salutation",
    "addressee",
    "address",
    "kamerstuk-header",
    "page-number",
    "transcript-label",
    "contact",
}


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def _starts_lower(text: str) -> bool:
    text = text.lstrip("\"'“‘(«")
    return bool(text) and text[0].islower()


def _starts_upper_or_digit(text: str) -> bool:
    text = text.lstrip("\"'“‘(«•·▪-–— ")
    return bool(text) and (text[0].isupper() or text[0].isdigit())


def _is_paragraph_text(text: str) -> bool:
    if text.endswith("?") and _words(text) <= 6:
        return False  # a question used as a section title
    if ends_sentence(text):
        return True
    if _words(text) >= _MIN_PARAGRAPH_WORDS:
        return True
    return bool(_BULLET.match(text)) and _words(text) >= 4


def _looks_like_heading(text: str) -> bool:
    if not text or _words(text) == 0:
        return False
    if text.endswith("?") and _words(text) <= 6:
        return True  # "Wat concludeert de rekenkamer?" in a raadsinformatiebrief
    if _words(text) > _MAX_HEADING_WORDS or len(text) > _MAX_HEADING_CHARS:
        return False
    if text.rstrip().endswith((",", ";")):
        return False
    return _starts_upper_or_digit(text) or text[:1] in "«\"'“"


_FUNCTION_WORDS = {
    "de",
    "het",
    "een",
    "dat",
    "die",
    "is",
    "zijn",
    "wordt",
    "worden",
    "heeft",
    "hebben",
    "om",
    "te",
    "er",
    "ik",
    "wij",
    "we",
    "u",
    "zij",
    "niet",
    "ook",
    "voor",
    "van",
    "met",
    "op",
    "in",
    "en",
    "aan",
}


def _sentence_like(text: str) -> bool:
    """Running prose (a cut-off sentence) rather than a title or a name."""
    words = re.findall(r"[\w'’-]+", text)
    if len(words) < 5:
        return False
    function = sum(1 for w in words if w in _FUNCTION_WORDS)
    lower = sum(1 for w in words if w[:1].islower())
    return function >= 3 and lower >= len(words) / 2


def _ends_lower_word(text: str) -> bool:
    match = re.search(r"([\w'’-]+)\W*$", text)
    return bool(match) and match.group(1)[:1].islower()


def _norm_repeat(text: str) -> str:
    return fold(text).lower()


def _peel(block: Block) -> list[Line]:
    """Furniture lines at the top of a block that goes on into body text."""
    peeled: list[Line] = []
    while len(block.lines) > 1:
        first = block.lines[0]
        rule = block_rule(first.text)
        if rule in _PEELABLE and len(first.text) < 200:
            peeled.append(block.lines.pop(0))
            continue
        break
    return peeled


def _split_title_line(block: Block) -> str | None:
    """A short title line directly above body text in the same block."""
    if len(block.lines) < 2:
        return None
    first, second = block.lines[0].text, block.lines[1].text
    longest = max(len(line.text) for line in block.lines[1:])
    if ends_sentence(first) or not _looks_like_heading(first) or _BULLET.match(first):
        return None
    if _words(first) > 10 or len(first) > 0.6 * longest or not _starts_upper_or_digit(second):
        return None
    if not _is_paragraph_text(" ".join(line.text for line in block.lines[1:])):
        return None
    block.lines.pop(0)
    return fold(first)


def classify_blocks(blocks: list[Block]) -> list[Block]:
    repeats = Counter(_norm_repeat(b.text) for b in blocks)
    in_footnotes = False
    seen_paragraph = False
    for block in blocks:
        text = fold(block.text)
        if in_footnotes:
            block.kind, block.reason = "furniture", "footnote"
            continue
        rule = block_rule(text)
        if rule == "footnote-marker" and re.match(r"X\s?Noot|Noot", text, re.I) and seen_paragraph:
            in_footnotes = True
        if rule:
            block.kind, block.reason = "furniture", rule
            continue
        if repeats[_norm_repeat(text)] >= 2 and len(text) < 120 and not ends_sentence(text):
            block.kind, block.reason = "furniture", "repeated"
            continue
        peeled = _peel(block)
        if peeled:
            block.extra["peeled"] = [line.text for line in peeled]
        title = _split_title_line(block)
        if title:
            block.extra["title"] = title
        text = fold(block.text)
        if not seen_paragraph and len(block.lines) == 1 and not ends_sentence(text):
            block.kind = "candidate"  # a title line above the letter, however long
        elif not seen_paragraph and _starts_lower(text):
            block.kind, block.reason = "paragraph", "lower-start"  # kept only if a head is found below
        elif _is_paragraph_text(text):
            block.kind = "paragraph"
            seen_paragraph = True
        else:
            block.kind = "candidate"
    content = [i for i, b in enumerate(blocks) if b.kind != "furniture"]
    # Prose cut by a page break, or by the end of an excerpt, is body text.
    for position, i in enumerate(content):
        block = blocks[i]
        if block.kind != "candidate":
            continue
        text = fold(block.text)
        nxt = blocks[content[position + 1]] if position + 1 < len(content) else None
        if nxt is None and _sentence_like(text):
            block.kind, block.reason = "paragraph", "cut-off"
        elif (
            nxt is not None
            and nxt.kind == "paragraph"
            and (_starts_lower(nxt.text) or nxt.text[:1].isdigit())
            and _ends_lower_word(text)
            and _sentence_like(text)
        ):
            block.kind, block.reason = "paragraph", "before-page-break"
    # Text that starts in lower case with no body text above it is a fragment
    # (an agenda line, the tail of a cut-off page), not a paragraph.
    seen_body = False
    for block in blocks:
        if block.kind == "paragraph":
            if not seen_body and _starts_lower(block.text):
                block.kind, block.reason = "furniture", "fragment"
            else:
                seen_body = True
    # A candidate is a heading when body text follows it, possibly through a
    # second title line (section, then sub-section); otherwise furniture.
    for i, block in enumerate(blocks):
        if block.kind != "candidate":
            continue
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        after = blocks[i + 2] if i + 2 < len(blocks) else None
        text = fold(block.text)
        body_follows = (
            nxt is not None and nxt.kind == "paragraph" and "title" not in nxt.extra and not _starts_lower(nxt.text)
        )
        title_follows = (
            nxt is not None
            and (nxt.kind == "candidate" or "title" in nxt.extra)
            and (
                ("title" in nxt.extra)
                or (after is not None and after.kind == "paragraph" and not _starts_lower(after.text))
            )
        )
        if _looks_like_heading(text) and (body_follows or title_follows):
            block.kind = "heading"
        else:
            block.kind, block.reason = "furniture", "stray"
    return blocks


def segment_text(text: str) -> list[Paragraph]:
    blocks = classify_blocks(split_blocks(text))
    paragraphs: list[Paragraph] = []
    heading: str | None = None
    last: Paragraph | None = None
    last_block: Block | None = None
    furniture_between = False
    heading_between = False
    for block in blocks:
        if block.kind == "furniture":
            furniture_between = True
            continue
        if block.kind == "heading":
            heading = fold(block.text)
            heading_between = True
            continue
        if "title" in block.extra:
            heading = block.extra["title"]
            heading_between = True
        body = fold(block.text)
        span = (block.start, block.end)
        if last is not None and last_block is not None and not heading_between and not _BULLET.match(body):
            page_broke = block.page != last_block.page or furniture_between
            if _starts_lower(body) or (not ends_sentence(last.text) and page_broke):
                last.spans.append(span)
                last.text = fold(last.text + " " + body)
                last_block = block
                furniture_between = False
                continue
        last = Paragraph(index=len(paragraphs), text=body, spans=[span], heading=heading)
        paragraphs.append(last)
        last_block = block
        furniture_between = False
        heading_between = False
    return paragraphs


def segment(document: Document) -> list[Paragraph]:
    """Paragraphs of a letter, with spans into document.text."""
    return segment_text(document.text)
