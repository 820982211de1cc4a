"""Generators of hostile letter files, shared by the fuzz tests
(tests/pipelines/ingest/test_fuzz.py, driven by hypothesis) and the
10,000-file benchmark (benchmarks/fuzz_ingest.py, driven by a seeded
random.Random). Each takes a random.Random and returns (file name, bytes).

What they imitate is what an archive of scanned-in, exported and
re-exported letters actually holds: binary junk under a letter's name,
downloads cut short, files damaged on disk, one-line exports, stray NUL
bytes, paragraphs pasted from documents in other encodings, and saved web
pages with scripts and styles."""

from __future__ import annotations

import random
from functools import cache

from tests.pipelines.ingest.builders import (
    LETTER,
    doc_letter,
    docx_letter,
    odt_bytes,
    odt_letter,
    pdf_letter,
    rtf_letter,
)

# Every reader, plus formats we do not read.
EXTENSIONS = (".txt", ".pdf", ".docx", ".doc", ".odt", ".rtf", ".html", ".xyz", "")
DOCUMENTS = ("pdf", "docx", "odt", "doc")
SCRIPT_MARK = "alert('fuzz')"
STYLE_MARK = "fuzzstyle"


@cache
def real_file(kind: str) -> bytes:
    """A complete, readable letter of this kind (built once per process)."""
    paragraphs = LETTER * 3
    if kind == "pdf":
        return pdf_letter(paragraphs)
    if kind == "docx":
        return docx_letter(paragraphs)
    if kind == "odt":
        return odt_letter(paragraphs)
    if kind == "doc":
        return doc_letter(paragraphs)
    raise ValueError(kind)


def random_bytes(rng: random.Random) -> tuple[str, bytes]:
    size = rng.choice((0, 1, 2, 16, 300, 4096, 20_000))
    return "junk" + rng.choice(EXTENSIONS), rng.randbytes(rng.randint(0, size))


def truncated(rng: random.Random, kind: str | None = None) -> tuple[str, bytes]:
    """A real PDF/.docx/.odt/.doc cut at a random offset (a download cut short)."""
    kind = kind or rng.choice(DOCUMENTS)
    data = real_file(kind)
    return f"cut.{kind}", data[: rng.randint(0, len(data))]


def damaged(rng: random.Random, kind: str | None = None) -> tuple[str, bytes]:
    """A real PDF/.docx/.odt/.doc with a few bytes overwritten (a bad disk sector)."""
    kind = kind or rng.choice(DOCUMENTS)
    data = bytearray(real_file(kind))
    for _ in range(rng.randint(1, 8)):
        at = rng.randrange(len(data))
        data[at : at + rng.randint(1, 64)] = rng.randbytes(rng.randint(1, 64))
    return f"damaged.{kind}", bytes(data)


def huge_line(rng: random.Random) -> tuple[str, bytes]:
    """One line of 100 KB to 4 MB: a letter exported without line ends, or
    a single 'word' with no space at all."""
    size = rng.choice((100_000, 1_000_000, 4_000_000))
    unit = rng.choice(("Ik deel de conclusie van de Rekenkamer. ", "x", "Betreft: ", "é€ "))
    text = (unit * (size // len(unit) + 1))[:size]
    return "oneline" + rng.choice((".txt", ".html", ".rtf")), (
        ("{\\rtf1 " + text + "}") if rng.random() < 0.2 else text
    ).encode("utf-8")


def nul_bytes(rng: random.Random) -> tuple[str, bytes]:
    """A letter with NUL bytes sprinkled in (or at the end, as padded exports have)."""
    data = bytearray("\n\n".join(LETTER).encode("utf-8"))
    if rng.random() < 0.5:
        data += b"\x00" * rng.randint(1, 5000)
    else:
        for _ in range(rng.randint(1, 40)):
            data.insert(rng.randrange(len(data) + 1), 0)
    return "nul" + rng.choice((".txt", ".html")), bytes(data)


def mixed_encodings(rng: random.Random) -> tuple[str, bytes]:
    """Paragraphs pasted from documents in different encodings, with or
    without a byte-order mark in front."""
    parts = []
    for paragraph in LETTER:
        codec = rng.choice(("utf-8", "cp1252", "latin-1", "utf-16-le", "utf-16-be", "mac_roman"))
        parts.append(paragraph.encode(codec, errors="replace"))
    data = b"\r\n\r\n".join(parts)
    mark = rng.choice((b"", b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00"))
    return "mixed.txt", mark + data


def html_with_scripts(rng: random.Random) -> tuple[str, bytes]:
    """A saved web page whose scripts and styles must never reach a paragraph,
    including unclosed and oddly cased tags."""
    script = rng.choice(
        (
            f"<script>{SCRIPT_MARK}</script>",
            f"<SCRIPT type='text/javascript'>{SCRIPT_MARK}",
            f"<script><!-- {SCRIPT_MARK} --></script>",
            f"<script src=x>{SCRIPT_MARK}</script>",
        )
    )
    style = rng.choice((f"<style>.{STYLE_MARK}{{color:red}}</style>", f"<STYLE media=all>.{STYLE_MARK}{{}}</Style>"))
    body = "".join(f"<p>{p}</p>" for p in LETTER)
    pieces = ["<html><head>", style, "</head><body>", body, script, "</body></html>"]
    if rng.random() < 0.3:
        pieces.insert(rng.randrange(len(pieces) + 1), "<p>" + "<div>" * rng.randint(1, 3000))
    return "page" + rng.choice((".html", ".htm", ".doc")), "".join(pieces).encode(rng.choice(("utf-8", "utf-16")))


def hostile_odt(rng: random.Random) -> tuple[str, bytes]:
    """A well-formed zip whose content.xml is odd: deep nesting, huge space
    counts, entities, or random bytes."""
    choice = rng.randrange(4)
    if choice == 0:
        depth = rng.choice((100, 2000, 50_000))
        body = "<text:p>" + "<text:span>" * depth + "Diep genest." + "</text:span>" * depth + "</text:p>"
    elif choice == 1:
        body = f'<text:p>Veel<text:s text:c="{rng.choice(("999999999", "-5", "x"))}"/>ruimte.</text:p>'
    elif choice == 2:
        body = "<text:p>&amp;&lt;&#0;</text:p>"
    else:
        body = rng.randbytes(rng.randint(0, 2000)).decode("latin-1")
    return "odd.odt", odt_bytes(body)


def hostile_rtf(rng: random.Random) -> tuple[str, bytes]:
    """RTF signature followed by random bytes, unbalanced groups or deep nesting."""
    choice = rng.randrange(3)
    if choice == 0:
        tail = rng.randbytes(rng.randint(0, 5000))
    elif choice == 1:
        tail = b"{" * rng.randint(1, 100_000) + b"Tekst\\par"
    else:
        tail = rtf_letter(LETTER)[rng.randint(0, 200) :]
    return "odd.rtf", b"{\\rtf1" + tail


GENERATORS = {
    "random-bytes": random_bytes,
    "truncated": truncated,
    "damaged": damaged,
    "huge-line": huge_line,
    "nul-bytes": nul_bytes,
    "mixed-encodings": mixed_encodings,
    "html-scripts": html_with_scripts,
    "hostile-odt": hostile_odt,
    "hostile-rtf": hostile_rtf,
}
