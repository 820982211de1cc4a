"""Word letters (.docx): body paragraphs and tables in document order, with
headers and footers left out (they are page furniture by definition)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from standpunt.pipelines.core.errors import IngestError


def read_docx(path: Path) -> tuple[str, list[str]]:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    shown = str(path)
    if not zipfile.is_zipfile(path):
        raise IngestError(shown, "corrupted", "corrupted .docx file (not a zip archive)")
    try:
        document = docx.Document(str(path))
    except Exception as exc:
        raise IngestError(shown, "corrupted", f"corrupted .docx file: {type(exc).__name__}: {exc}") from exc
    blocks: list[str] = []
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            text = item.text.strip()
            if text:
                blocks.append(text)
        elif isinstance(item, Table):
            for row in item.rows:
                cells = [cell.text.strip() for cell in row.cells if cell.text.strip()]
                if cells:
                    blocks.append(" | ".join(dict.fromkeys(cells)))
    return "\n\n".join(blocks), []
