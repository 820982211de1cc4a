"""Text helpers that the corpus, the models and the pipeline stages share, so
that a paragraph means the same string everywhere.

- fold: white space folded to single spaces, the form of corpus paragraph
  text (what models are trained and scored on);
- Dutch sentence splitting for evidence: good enough for official letters,
  which use few abbreviations, but it must not cut at "jl.", "o.a." or "nr. 3"."""

from __future__ import annotations

import re

_SPACE = re.compile(r"\s+")


def fold(text: str) -> str:
    """White space folded to single spaces, the form of corpus paragraph text."""
    return _SPACE.sub(" ", text).strip()


_ABBREVIATIONS = {
    "jl",
    "o.a",
    "bijv",
    "nr",
    "nrs",
    "d.d",
    "e.d",
    "m.b.t",
    "t.a.v",
    "i.v.m",
    "z.g",
    "resp",
    "blz",
    "art",
    "mr",
    "dr",
    "drs",
    "ir",
    "ing",
    "prof",
    "mw",
    "dhr",
    "c.q",
    "m.n",
    "e.a",
    "vs",
    "ca",
    "incl",
    "excl",
    "etc",
    "p",
    "pag",
    "jo",
    "a.s",
    "t.b.v",
}
_BOUNDARY = re.compile(r"(?<=[.?!…])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9ÀÉÈËÏÖÜ])")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """[start, end) of each sentence in text."""
    spans, start = [], 0
    for match in _BOUNDARY.finditer(text):
        before = text[start : match.start()].rstrip("\"'”’)")
        word = re.search(r"(\S+)\.$", before)
        if word and (word.group(1).lower().rstrip(".") in _ABBREVIATIONS or re.fullmatch(r"[A-Z]", word.group(1))):
            continue
        end = match.start()
        if text[start:end].strip():
            spans.append((start, end))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return spans


def split_sentences(text: str) -> list[str]:
    """The sentences of text, stripped (see sentence_spans)."""
    return [text[a:b].strip() for a, b in sentence_spans(text)]
