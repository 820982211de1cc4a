"""Plain-text letters. Archives hold UTF-8, old Windows (cp1252) exports and
Notepad's "Unicode" (UTF-16 with a byte-order mark); anything else that
decodes to control-character soup is treated as binary."""

from __future__ import annotations

from pathlib import Path

from standpunt.pipelines.core.errors import IngestError

_ALLOWED_CONTROL = {"\n", "\r", "\t", "\f", "\v"}


def looks_binary(data: bytes) -> bool:
    """NUL bytes or a high share of control bytes mean this is not a text file."""
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 32 and chr(b) not in _ALLOWED_CONTROL)
    return control > max(8, len(sample) // 50)


# Longest first: the UTF-32 LE mark starts with the UTF-16 LE one. (The UTF-8
# mark needs no table entry: UTF-8 decoding drops it.)
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32"),
    (b"\xff\xfe", "utf-16-le", "UTF-16"),
    (b"\xfe\xff", "utf-16-be", "UTF-16"),
)


def _decode_by_bom(data: bytes, shown: str) -> str | None:
    """Text that announces its encoding with a byte-order mark, decoded
    without the mark; None when there is no mark. UTF-16 and UTF-32 are full
    of NUL bytes, so this must come before the binary check."""
    for mark, codec, name in _BOMS:
        if data.startswith(mark):
            try:
                text = data[len(mark) :].decode(codec)
            except UnicodeDecodeError as exc:
                raise IngestError(
                    shown,
                    "encoding",
                    f"starts with a {name} byte-order mark but is not valid {name} "
                    f"({exc.reason} at byte {exc.start + len(mark)})",
                ) from exc
            control = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in _ALLOWED_CONTROL)
            if "\x00" in text[:8192] or control > max(8, min(len(text), 8192) // 50):
                raise IngestError(shown, "binary", f"binary data after a {name} byte-order mark, not a text file")
            return text
    return None


def decode_text(data: bytes, shown: str) -> tuple[str, list[str]]:
    """Decode by byte-order mark (UTF-16, UTF-32), else UTF-8 (with or without
    its mark), falling back to cp1252 with a warning."""
    text = _decode_by_bom(data, shown)
    if text is not None:
        return text, []
    mark = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    data = data[mark:]  # so that a cp1252 fallback does not start with "ï»¿"
    warnings: list[str] = []
    padded = data.rstrip(b"\x00")
    if len(padded) < len(data) and padded.strip() and not looks_binary(padded):
        # Fixed-size export records pad the end with NUL bytes; what comes
        # before them is the letter, and its offsets do not change.
        warnings.append(f"{len(data) - len(padded)} NUL bytes of padding at the end ignored")
        data = padded
    if looks_binary(data):
        raise IngestError(shown, "binary", "binary data, not a text file")
    try:
        return data.decode("utf-8"), warnings
    except UnicodeDecodeError as utf8_error:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise IngestError(
                shown,
                "encoding",
                f"not UTF-8 ({utf8_error.reason} at byte {utf8_error.start + mark}) and not cp1252 either",
            ) from exc
        return text, warnings + [f"not valid UTF-8 (byte {utf8_error.start + mark}); read as cp1252"]


def read_text(path: Path) -> tuple[str, list[str]]:
    # The decoded text is kept exactly as it is (line ends included): the
    # predict contract promises spans into the file's decoded text.
    return decode_text(path.read_bytes(), str(path))
