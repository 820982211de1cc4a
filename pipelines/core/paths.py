"""Where the project's own files are, found by one rule.

Configs name data files relative to the project (`data/corpus/real.jsonl`),
yet a user may also pass a file of their own relative to where they run the
command. Every stage resolves such names here, so train, predict and
evaluate read the same file for the same name."""

from __future__ import annotations

from pathlib import Path

# The checkout (or, installed, the `standpunt` package folder) that holds
# configs/, data/ and models/default.
ROOT = Path(__file__).resolve().parents[2]


def project_path(name: str | Path) -> Path:
    """An absolute path as it is; a relative one from the working directory
    where it exists there, else from the project root."""
    path = Path(name)
    if path.is_absolute() or path.exists():
        return path
    return ROOT / path
