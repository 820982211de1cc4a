"""File -> Document. One entry point, `read_document`, that picks the reader by
file type and turns every known way a file can be unreadable into an
IngestError naming the file and the cause."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from standpunt.pipelines.core.errors import IngestError
from standpunt.pipelines.document import Document
from standpunt.pipelines.ingest.doc import read_doc
from standpunt.pipelines.ingest.docx import read_docx
from standpunt.pipelines.ingest.html import read_html
from standpunt.pipelines.ingest.metadata import extract_metadata
from standpunt.pipelines.ingest.odt import read_odt
from standpunt.pipelines.ingest.pdf import read_pdf
from standpunt.pipelines.ingest.rtf import read_rtf
from standpunt.pipelines.ingest.text import read_text

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

READERS = {
    ".txt": read_text,
    ".text": read_text,
    ".pdf": read_pdf,
    ".docx": read_docx,
    ".doc": read_doc,
    ".odt": read_odt,
    ".rtf": read_rtf,
    ".html": read_html,
    ".htm": read_html,
    ".xhtml": read_html,
}
SUPPORTED_SUFFIXES = tuple(sorted(READERS))


@dataclass(frozen=True)
class IngestOptions:
    """Limits that a data team may want to change per archive."""

    max_bytes: int = DEFAULT_MAX_BYTES


def read_document(path: str | Path, options: IngestOptions | None = None, letter: str | None = None) -> Document:
    """Read one letter. Raises IngestError (never anything else for bad input).

    `letter` is the id from pipelines.inputs.expand_inputs, which alone knows
    the other files of the run; alone, a file is known by its name's stem."""
    options = options or IngestOptions()
    path = Path(path)
    shown = str(path)
    if not path.exists():
        raise IngestError(shown, "missing", "file does not exist")
    if not path.is_file():
        raise IngestError(shown, "unsupported", "not a regular file")
    suffix = path.suffix.lower()
    reader = READERS.get(suffix)
    if reader is None:
        raise IngestError(
            shown,
            "unsupported",
            f"unknown format '{suffix or '(no extension)'}'; supported: {', '.join(SUPPORTED_SUFFIXES)}",
        )
    size = path.stat().st_size
    if size == 0:
        raise IngestError(shown, "empty", "file is empty")
    if size > options.max_bytes:
        raise IngestError(
            shown,
            "too-large",
            f"file is {size / 1e6:.1f} MB, over the limit of {options.max_bytes / 1e6:.1f} MB",
        )
    try:
        text, warnings = reader(path)
    except IngestError:
        raise
    except (OSError, MemoryError) as exc:
        raise IngestError(shown, "unreadable", f"cannot read file: {exc}") from exc
    except Exception as exc:  # a parser library failing on a broken file
        raise IngestError(
            shown, "corrupted", f"corrupted {suffix[1:]} file: {type(exc).__name__}: {exc}".strip()
        ) from exc
    if not text.strip():
        raise IngestError(shown, "empty", "no text in file")
    return Document(
        id=letter if letter is not None else path.stem,
        source=shown,
        text=text,
        metadata=extract_metadata(text),
        warnings=[f"{shown}: {w}" for w in warnings],
    )


__all__ = ["IngestOptions", "read_document", "SUPPORTED_SUFFIXES", "DEFAULT_MAX_BYTES"]
