"""INPUT arguments (files, folders, globs) -> the letter files to read.

A data team points the tool at a folder of an archive; folders are walked
recursively for the formats we read, while a file named explicitly is always
taken (so that an unsupported one is reported, not silently skipped)."""

from __future__ import annotations

import glob
from pathlib import Path

from standpunt.pipelines.ingest import SUPPORTED_SUFFIXES


def expand_inputs(inputs: list[str]) -> tuple[list[Path], list[str]]:
    """Return (files in a stable order without duplicates, inputs that matched nothing)."""
    files: list[Path] = []
    unmatched: list[str] = []
    seen: set[Path] = set()

    def add(path: Path) -> None:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            files.append(path)

    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            for p in found:
                add(p)
            if not found:
                unmatched.append(item)
        elif path.exists():
            add(path)
        elif glob.has_magic(item):
            matches = sorted(Path(m) for m in glob.glob(item, recursive=True))
            matches = [m for m in matches if m.is_file()]
            for m in matches:
                add(m)
            if not matches:
                unmatched.append(item)
        else:
            add(path)  # reported as missing by the reader, with its name
    return files, unmatched
