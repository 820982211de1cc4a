"""INPUT arguments (files, folders, globs) -> the letter files to read, each
with its letter id.

A data team points the tool at a folder of an archive. Every regular file in
it is taken, whatever its extension, so that a format we cannot read is
reported rather than silently passed over; only hidden files and folders
(names starting with '.') are left out.

Letter ids are computed here, once, for the whole set of inputs, because an
id must tell two files apart (`brief.txt` next to `brief.pdf`, or
`2019/brief.pdf` next to `2020/brief.pdf`) and that depends on which other
files share the run. The rule (docs/formats.md): the file's path relative to
the input root it was found under (a file named directly or matched by a
glob: its name), '/'-separated, without the extension unless another file
would then share the id; and, for two files with the same relative path
under different roots, the path as given."""

from __future__ import annotations

import glob
from collections import Counter
from dataclasses import dataclass
from pathlib import Path, PurePosixPath


@dataclass(frozen=True)
class InputFile:
    """A file to read and the id its letter carries in every output."""

    path: Path
    letter: str


def _candidates(path: Path, relative: str) -> list[str]:
    """The ids a file may get, from shortest to always unique."""
    stem = str(PurePosixPath(relative).with_suffix("")) if PurePosixPath(relative).suffix else relative
    return [stem, relative, path.as_posix()]


def assign_letter_ids(found: list[tuple[Path, str]]) -> list[InputFile]:
    """Give every (path, path relative to its root) the shortest id that no
    other file in the run shares. Deterministic: the same inputs give the
    same ids on every run."""
    options = [_candidates(path, relative) for path, relative in found]
    level = [0] * len(found)
    while True:
        counts = Counter(options[i][level[i]] for i in range(len(found)))
        bumped = False
        for i in range(len(found)):
            if counts[options[i][level[i]]] > 1 and level[i] < 2:
                level[i] += 1
                bumped = True
        if not bumped:
            break
    # Paths as given are distinct for distinct files (duplicates were removed
    # by their resolved path), so the last level is always unique.
    return [InputFile(path, options[i][level[i]]) for i, (path, _) in enumerate(found)]


def _visible_files(root: Path) -> list[Path]:
    """Every regular file under root, whatever its format: one we cannot
    read becomes an `unsupported` letter instead of vanishing from the run."""
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )


def expand_inputs(inputs: list[str]) -> tuple[list[InputFile], list[str]]:
    """Return (files with their letter ids, in a stable order without
    duplicates; inputs that matched nothing)."""
    found: list[tuple[Path, str]] = []
    unmatched: list[str] = []
    seen: set[Path] = set()

    def add(path: Path, relative: str) -> None:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            found.append((path, relative))

    for item in inputs:
        path = Path(item)
        if path.is_dir():
            files = _visible_files(path)
            for p in files:
                add(p, p.relative_to(path).as_posix())
            if not files:
                unmatched.append(item)
        elif path.exists():
            add(path, path.name)
        elif glob.has_magic(item):
            matches = [m for m in sorted(Path(m) for m in glob.glob(item, recursive=True)) if m.is_file()]
            for m in matches:
                add(m, m.name)
            if not matches:
                unmatched.append(item)
        else:
            add(path, path.name)  # reported as missing by the reader, with its name
    return assign_letter_ids(found), unmatched
