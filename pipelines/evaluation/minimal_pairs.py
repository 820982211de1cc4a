"""Minimal pairs (data/robustness/*.jsonl): two texts one edit apart whose
labels differ. A pair passes only when a model labels both sides right, so a
model that reads the convention beats one that guesses a side; the benchmarks
and the shipped model's test count them the same way through this module."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

SIDES = ("a", "b")


class PairFileError(ValueError):
    """A pair file that cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class Pair:
    rule: str
    texts: tuple[str, str]
    labels: tuple[str, str]


def read_pairs(path: Path) -> list[Pair]:
    """One pair per JSON line: {"rule", "a": {"text", "label"}, "b": {...}}."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise PairFileError(f"{path}: cannot read ({error.__class__.__name__})") from None
    pairs = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            pairs.append(
                Pair(
                    rule=row["rule"],
                    texts=tuple(row[side]["text"] for side in SIDES),
                    labels=tuple(row[side]["label"] for side in SIDES),
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError) as error:
            raise PairFileError(f"{path}:{number}: not a minimal pair ({error})") from None
    return pairs


def pair_texts(pairs: list[Pair]) -> list[str]:
    """Both sides of every pair, in order, for one batched predict call."""
    return [text for pair in pairs for text in pair.texts]


def pair_outcomes(pairs: list[Pair], labels: list[str]) -> list[tuple[bool, tuple[str, str]]]:
    """Per pair: passed, and the two labels the model gave (labels as pair_texts ordered them)."""
    if len(labels) != 2 * len(pairs):
        raise ValueError(f"{len(labels)} labels for {len(pairs)} pairs")
    outcomes = []
    for n, pair in enumerate(pairs):
        got = (labels[2 * n], labels[2 * n + 1])
        outcomes.append((got == pair.labels, got))
    return outcomes


def pairs_passed(pairs: list[Pair], labels: list[str]) -> int:
    return sum(ok for ok, _ in pair_outcomes(pairs, labels))
