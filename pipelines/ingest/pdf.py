"""PDF letters through their text layer (PDFium, through pypdfium2: BSD/Apache).

Paragraphs in a PDF are not marked; they show as larger vertical gaps between
lines. We rebuild the text line by line and put a blank line where the gap is
clearly wider than the line spacing, and between pages, so the segmenter sees
the same shape as a plain-text letter.

Why PDFium: archives of replies are mostly PDFs, and pdfplumber (pdfminer's
layout analysis in Python) took 40-80 ms a page, about as long as
classifying the page's paragraphs; PDFium gives the same lines, character for
character on the test letters, in 5-10 ms a page. Line heights come from the
characters' loose boxes (the font's ascent and descent), as pdfplumber's did:
glyph-tight boxes vary with the letters of a line and moved the paragraph
gaps."""

from __future__ import annotations

import statistics
from pathlib import Path

from standpunt.pipelines.core.errors import IngestError

# A gap larger than this share of the usual line height starts a new block.
_PARAGRAPH_GAP = 0.6


# PDFium's mark for a hyphen at the end of a line: U+0002 per character, U+FFFE in extracted text
_LINE_END_HYPHENS = ("\x02", "\ufffe")


def _character(code: int) -> str:
    """A damaged file can hold codes that are no character (a lone surrogate
    would fail when the text is written as UTF-8): those become U+FFFD."""
    return chr(code) if code < 0x110000 and not 0xD800 <= code <= 0xDFFF else "\ufffd"


def _page_lines(page) -> list[tuple[float, float, str]]:
    """(top, bottom, text) of each line of a page, top down. PDFium's text
    page holds the characters in reading order with generated line breaks
    ("\r\n"); a word hyphenated at the line's end shows as a marker
    instead of "-" and a break, and is given back as the hyphen it was."""
    import pypdfium2.raw as pdfium_c

    textpage = page.get_textpage()
    try:
        # character by character, so each character and its box share an index
        # (the text of a range is UTF-16, where a character outside the BMP takes two)
        count = textpage.count_chars()
        text = [_character(pdfium_c.FPDFText_GetUnicode(textpage.raw, index)) for index in range(count)]
        height = page.get_height()
        lines: list[tuple[float, float, str]] = []
        chars: list[str] = []
        top = bottom = None

        def close() -> None:
            nonlocal chars, top, bottom
            line = "".join(chars).strip()
            if line and top is not None:
                lines.append((top, bottom, line))
            chars, top, bottom = [], None, None

        for index, char in enumerate(text):
            if char in "\r\n":
                close()
                continue
            hyphen = char in _LINE_END_HYPHENS
            chars.append("-" if hyphen else char)
            if not char.isspace():
                _, low, _, high = textpage.get_charbox(index, loose=True)
                top = height - high if top is None else min(top, height - high)
                bottom = height - low if bottom is None else max(bottom, height - low)
            if hyphen:
                close()
        close()
    finally:
        textpage.close()
    lines.sort(key=lambda item: item[0])
    return lines


def _page_text(lines: list[tuple[float, float, str]]) -> str:
    if not lines:
        return ""
    heights = [bottom - top for top, bottom, _ in lines]
    line_height = statistics.median(heights) or 1.0
    gaps = [lines[i + 1][0] - lines[i][1] for i in range(len(lines) - 1)]
    # The usual gap between lines of one paragraph: the lower half of the gaps.
    usual = statistics.median(sorted(gaps)[: max(1, len(gaps) // 2)]) if gaps else 0.0
    out = [lines[0][2]]
    for i, gap in enumerate(gaps):
        if gap - usual > _PARAGRAPH_GAP * line_height:
            out.append("")
        out.append(lines[i + 1][2])
    return "\n".join(out)


def _has_images(page) -> bool:
    import pypdfium2.raw as pdfium_c

    return any(True for _ in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=2))


def read_pdf(path: Path) -> tuple[str, list[str]]:
    import pypdfium2 as pdfium

    shown = str(path)
    with path.open("rb") as handle:
        if not handle.read(1024).lstrip().startswith(b"%PDF"):
            raise IngestError(shown, "corrupted", "not a PDF file (no %PDF header)")
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise IngestError(shown, "corrupted", f"corrupted PDF: {exc}") from exc
    except Exception as exc:
        raise IngestError(shown, "corrupted", f"corrupted PDF: {type(exc).__name__}: {exc}") from exc
    try:
        pages: list[str] = []
        image_pages = 0
        try:
            for number in range(len(pdf)):
                page = pdf[number]
                try:
                    pages.append(_page_text(_page_lines(page)))
                    if not pages[-1].strip():
                        image_pages += _has_images(page)
                finally:
                    page.close()
        except Exception as exc:
            raise IngestError(
                shown, "corrupted", f"corrupted PDF (page {len(pages) + 1}): {type(exc).__name__}: {exc}"
            ) from exc
        if not pages:
            raise IngestError(shown, "corrupted", "PDF has no pages")
        if not any(p.strip() for p in pages):
            hint = f" ({image_pages} of {len(pages)} pages are images)" if image_pages else ""
            raise IngestError(
                shown,
                "scanned-pdf",
                f"PDF has no text layer{hint}: looks scanned; OCR is not supported, run OCR first",
            )
    finally:
        pdf.close()
    # Pages are separated by a blank line plus a form feed so that page breaks
    # stay visible to the segmenter (furniture repeats per page).
    return "\n\n\f\n".join(pages), []
