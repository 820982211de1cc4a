"""What a worker process does for one file: read it and cut it into
paragraphs. Returns plain data (cheap to send between processes) and never
raises: a bad letter comes back as an error record."""

from __future__ import annotations

from standpunt.pipelines.core.errors import IngestError
from standpunt.pipelines.ingest import IngestOptions, read_document
from standpunt.pipelines.segment import segment


def read_and_segment(job: tuple[str, str, int]) -> dict:
    """job: (the file as given, its letter id from expand_inputs, the size limit in bytes)."""
    source, letter, max_bytes = job
    try:
        document = read_document(source, IngestOptions(max_bytes=max_bytes), letter=letter)
        paragraphs = segment(document)
        if not paragraphs:
            raise IngestError(source, "no-paragraphs", "no paragraphs found (only letterhead or furniture)")
    except IngestError as exc:
        return {"source": source, "letter": letter, "status": "error", "reason": exc.reason, "error": str(exc)}
    except Exception as exc:  # a bug must not stop an archive run: record it with the file
        return {
            "source": source,
            "letter": letter,
            "status": "error",
            "reason": "internal",
            "error": f"{source}: internal error while reading: {type(exc).__name__}: {exc}",
        }
    return {
        "source": source,
        "letter": document.id,
        "status": "ok",
        "metadata": document.metadata.as_dict(),
        "warnings": document.warnings,
        "paragraphs": [p.as_record(document.id, source) for p in paragraphs],
    }
