"""The output folder of `standpunt predict`, written so that a run stopped
at any point (Ctrl-C, kill) can be started again and finish without losing
or duplicating a letter.

Per letter, its paragraph lines are written first (one write call), then its
line in letters.jsonl; each file is flushed after every letter. A letter
counts as done only once its letters.jsonl line is complete. On start we cut
any half-written last line and drop paragraph lines of letters that are not
done, so the files always hold whole letters. Letters are known by their
id (pipelines/inputs.py), which is the same on every run over the same input."""

from __future__ import annotations

import json
import os
from pathlib import Path

PARAGRAPHS = "paragraphs.jsonl"
LETTERS = "letters.jsonl"


def _complete_lines(path: Path) -> list[str]:
    """The file's complete lines; a trailing partial line is cut off the file."""
    if not path.exists():
        return []
    data = path.read_bytes()
    end = data.rfind(b"\n") + 1
    if end < len(data):
        with path.open("r+b") as handle:
            handle.truncate(end)
    return data[:end].decode("utf-8").splitlines()


class OutputFolder:
    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        probe = self.folder / ".standpunt-write-test"
        probe.write_text("")
        probe.unlink()
        self.done: set[str] = set()
        self.totals = {"letters": 0, "ok": 0, "failed": 0, "paragraphs": 0}  # the whole folder, for run.json
        self.dropped_paragraph_lines = 0
        self._recover()
        self._paragraphs = (self.folder / PARAGRAPHS).open("a", encoding="utf-8")
        self._letters = (self.folder / LETTERS).open("a", encoding="utf-8")

    def _recover(self) -> None:
        for line in _complete_lines(self.folder / LETTERS):
            if line.strip():
                letter = json.loads(line)
                self.done.add(letter["letter"])
                self._count(letter, 0)
        path = self.folder / PARAGRAPHS
        lines = _complete_lines(path)
        kept = [line for line in lines if line.strip() and json.loads(line)["letter"] in self.done]
        self.dropped_paragraph_lines = len(lines) - len(kept)
        self.totals["paragraphs"] = len(kept)
        if self.dropped_paragraph_lines:
            staging = path.with_suffix(".jsonl.tmp")
            staging.write_text("".join(line + "\n" for line in kept), encoding="utf-8")
            os.replace(staging, path)

    def write_letter(self, letter: dict, paragraphs: list[dict]) -> None:
        self.write_paragraphs(paragraphs)
        self.finish_letter(letter, len(paragraphs))

    def write_paragraphs(self, paragraphs: list[dict]) -> None:
        """One letter's paragraph lines (one write call); the letter is not done
        until finish_letter writes its line."""
        if paragraphs:
            self._paragraphs.write("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in paragraphs))
            self._paragraphs.flush()

    def finish_letter(self, letter: dict, paragraphs: int) -> None:
        """The letter's line in letters.jsonl, after its paragraph lines: from
        here on it is done."""
        self._letters.write(json.dumps(letter, ensure_ascii=False) + "\n")
        self._letters.flush()
        self.done.add(letter["letter"])
        self._count(letter, paragraphs)

    def _count(self, letter: dict, paragraphs: int) -> None:
        self.totals["letters"] += 1
        self.totals["ok" if letter.get("status") == "ok" else "failed"] += 1
        self.totals["paragraphs"] += paragraphs

    def close(self) -> None:
        for handle in (self._paragraphs, self._letters):
            handle.flush()
            os.fsync(handle.fileno())
            handle.close()


def read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
