"""Plain-text letters. Archives hold UTF-8 and old Windows (cp1252) exports;
anything else that decodes to control-character soup is treated as binary."""

from __future__ import annotations

from pathlib import Path

from standpunt.pipelines.errors import IngestError

_ALLOWED_CONTROL = {"\n", "\r", "\t", "\f", "\v"}


def looks_binary(data: bytes) -> bool:
    """NUL bytes or a high share of control bytes mean this is not a text file."""
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 32 and chr(b) not in _ALLOWED_CONTROL)
    return control > max(8, len(sample) // 50)


def decode_text(data: bytes, shown: str) -> tuple[str, list[str]]:
    """Decode UTF-8 (with or without BOM), falling back to cp1252 with a warning."""
    if looks_binary(data):
        raise IngestError(shown, "binary", "binary data, not a text file")
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as utf8_error:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise IngestError(
                shown,
                "encoding",
                f"not UTF-8 ({utf8_error.reason} at byte {utf8_error.start}) and not cp1252 either",
            ) from exc
        return text, [f"not valid UTF-8 (byte {utf8_error.start}); read as cp1252"]


def read_text(path: Path) -> tuple[str, list[str]]:
    # The decoded text is kept exactly as it is (line ends included): the
    # predict contract promises spans into the file's decoded text.
    return decode_text(path.read_bytes(), str(path))
