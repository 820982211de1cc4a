"""PDF letters through their text layer (pdfplumber, MIT).

Paragraphs in a PDF are not marked; they show as larger vertical gaps between
lines. We rebuild the text line by line and put a blank line where the gap is
clearly wider than the line spacing, and between pages, so the segmenter sees
the same shape as a plain-text letter."""

from __future__ import annotations

import statistics
from pathlib import Path

from standpunt.pipelines.core.errors import IngestError

# A gap larger than this share of the usual line height starts a new block.
_PARAGRAPH_GAP = 0.6


def _page_lines(page) -> list[tuple[float, float, str]]:
    lines = []
    for line in page.extract_text_lines(layout=False, strip=True, return_chars=False):
        text = line["text"].strip()
        if text:
            lines.append((float(line["top"]), float(line["bottom"]), text))
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


def read_pdf(path: Path) -> tuple[str, list[str]]:
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    shown = str(path)
    with path.open("rb") as handle:
        if not handle.read(1024).lstrip().startswith(b"%PDF"):
            raise IngestError(shown, "corrupted", "not a PDF file (no %PDF header)")
    try:
        pdf = pdfplumber.open(path)
    except PDFSyntaxError as exc:
        raise IngestError(shown, "corrupted", f"corrupted PDF: {exc}") from exc
    except Exception as exc:
        raise IngestError(shown, "corrupted", f"corrupted PDF: {type(exc).__name__}: {exc}") from exc
    with pdf:
        pages = []
        try:
            for page in pdf.pages:
                pages.append(_page_text(_page_lines(page)))
        except Exception as exc:
            raise IngestError(
                shown, "corrupted", f"corrupted PDF (page {len(pages) + 1}): {type(exc).__name__}: {exc}"
            ) from exc
        if not pages:
            raise IngestError(shown, "corrupted", "PDF has no pages")
        if not any(p.strip() for p in pages):
            image_pages = sum(1 for page in pdf.pages if page.images)
            hint = f" ({image_pages} of {len(pages)} pages are images)" if image_pages else ""
            raise IngestError(
                shown,
                "scanned-pdf",
                f"PDF has no text layer{hint}: looks scanned; OCR is not supported, run OCR first",
            )
    # Pages are separated by a blank line plus a form feed so that page breaks
    # stay visible to the segmenter (furniture repeats per page).
    return "\n\n\f\n".join(pages), []
