"""OpenDocument letters (.odt, LibreOffice and government archives that
standardised on ODF): body paragraphs, headings, lists and tables in document
order, read from content.xml with the standard library.

Headers and footers live in styles.xml (on the master pages), so reading only
content.xml leaves them out, as the .docx reader does. Footnotes, comments
and tracked deletions are not the letter's running text and are dropped."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
import zlib
from pathlib import Path

from standpunt.pipelines.core.errors import IngestError

_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


def _tag(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


P, H, SPAN, A = (_tag(_TEXT, n) for n in ("p", "h", "span", "a"))
SPACE, TAB, LINE_BREAK = (_tag(_TEXT, n) for n in ("s", "tab", "line-break"))
LIST, LIST_ITEM, LIST_HEADER, SECTION = (_tag(_TEXT, n) for n in ("list", "list-item", "list-header", "section"))
TABLE, ROW, CELL = (_tag(_TABLE, n) for n in ("table", "table-row", "table-cell"))
ROW_GROUPS = {_tag(_TABLE, n) for n in ("table-rows", "table-header-rows", "table-row-group")}
OFFICE_TEXT = _tag(_OFFICE, "text")
# Inside a paragraph but not part of its running text.
_SKIPPED_INLINE = {_tag(_TEXT, "note"), _tag(_OFFICE, "annotation"), _tag(_TEXT, "tracked-changes")}

# content.xml of a long letter is a few MB; a zip bomb inflates to gigabytes.
MAX_CONTENT_BYTES = 200 * 1024 * 1024
_SPACES = re.compile(r"[ \t\r\n]+")


def _inline(element: ET.Element, out: list[str]) -> None:
    """Character content of a paragraph. ODF collapses runs of white space in
    the XML; explicit spaces, tabs and breaks are elements."""
    if element.text:
        out.append(_SPACES.sub(" ", element.text))
    for child in element:
        if child.tag == SPACE:
            try:
                count = int(child.get(_tag(_TEXT, "c"), "1"))
            except ValueError:
                count = 1
            out.append(" " * max(1, min(count, 1000)))
        elif child.tag == TAB:
            out.append("\t")
        elif child.tag == LINE_BREAK:
            out.append("\n")
        elif child.tag not in _SKIPPED_INLINE:
            _inline(child, out)
        if child.tail:
            out.append(_SPACES.sub(" ", child.tail))


def _paragraph_text(element: ET.Element) -> str:
    out: list[str] = []
    _inline(element, out)
    return "".join(out).strip()


def _cell_text(cell: ET.Element) -> str:
    blocks: list[str] = []
    _blocks(cell, blocks)
    return " ".join(blocks)


def _rows(table: ET.Element):
    for child in table:
        if child.tag == ROW:
            yield child
        elif child.tag in ROW_GROUPS:
            yield from _rows(child)


def _blocks(container: ET.Element, blocks: list[str]) -> None:
    for child in container:
        if child.tag in (P, H):
            text = _paragraph_text(child)
            if text:
                blocks.append(text)
        elif child.tag in (LIST, LIST_ITEM, LIST_HEADER, SECTION):
            _blocks(child, blocks)
        elif child.tag == TABLE:
            for row in _rows(child):
                cells = [_cell_text(cell) for cell in row if cell.tag == CELL]
                cells = [c for c in cells if c]
                if cells:
                    blocks.append(" | ".join(dict.fromkeys(cells)))


def odt_to_text(content: bytes) -> str:
    """The running text of an ODF content.xml, blocks separated by blank lines."""
    if b"<!DOCTYPE" in content[:4096] or b"<!ENTITY" in content:
        raise ValueError("content.xml declares a DTD or entities, which ODF never does")
    root = ET.fromstring(content)
    body = root.find(f".//{OFFICE_TEXT}")
    if body is None:
        raise ValueError("no text document body (office:text) in content.xml")
    blocks: list[str] = []
    _blocks(body, blocks)
    return "\n\n".join(blocks)


def read_odt(path: Path) -> tuple[str, list[str]]:
    shown = str(path)
    if not zipfile.is_zipfile(path):
        raise IngestError(shown, "corrupted", "corrupted .odt file (not a zip archive)")
    try:
        with zipfile.ZipFile(path) as archive:
            try:
                info = archive.getinfo("content.xml")
            except KeyError:
                raise IngestError(shown, "corrupted", "corrupted .odt file (no content.xml)") from None
            if info.file_size > MAX_CONTENT_BYTES:
                raise IngestError(
                    shown,
                    "too-large",
                    f"content.xml inflates to {info.file_size / 1e6:.0f} MB, "
                    f"over the limit of {MAX_CONTENT_BYTES / 1e6:.0f} MB",
                )
            with archive.open(info) as handle:
                content = handle.read(MAX_CONTENT_BYTES + 1)
        if len(content) > MAX_CONTENT_BYTES:
            raise IngestError(shown, "too-large", f"content.xml inflates to over {MAX_CONTENT_BYTES / 1e6:.0f} MB")
        return odt_to_text(content), []
    except IngestError:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        ET.ParseError,
        ValueError,
        EOFError,
        NotImplementedError,
        RuntimeError,
        OSError,
    ) as exc:
        detail = re.sub(r"\s+", " ", str(exc)).strip()
        raise IngestError(shown, "corrupted", f"corrupted .odt file: {type(exc).__name__}: {detail}") from exc
