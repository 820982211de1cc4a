"""Matching predicted paragraphs to gold ones by wording.

The segmentation score and the end-to-end evaluation both need to know which
predicted paragraph stands for which gold paragraph; character offsets differ
between extractions, so we compare bags of words."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+", re.UNICODE)
FOUND_F1 = 0.9


def tokens(text: str) -> Counter:
    return Counter(t.lower() for t in _TOKEN.findall(text))


def token_f1(a: str | Counter, b: str | Counter) -> float:
    """F1 of the token multisets of a and b (1.0 for identical wording)."""
    ca = a if isinstance(a, Counter) else tokens(a)
    cb = b if isinstance(b, Counter) else tokens(b)
    common = sum((ca & cb).values())
    if common == 0:
        return 0.0
    precision = common / sum(cb.values())
    recall = common / sum(ca.values())
    return 2 * precision * recall / (precision + recall)


@dataclass
class SegmentationScore:
    gold: int
    predicted: int
    gold_found: int
    predicted_matched: int

    @property
    def recall(self) -> float:
        return self.gold_found / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        return self.predicted_matched / self.predicted if self.predicted else 1.0

    def __add__(self, other: SegmentationScore) -> SegmentationScore:
        return SegmentationScore(
            self.gold + other.gold,
            self.predicted + other.predicted,
            self.gold_found + other.gold_found,
            self.predicted_matched + other.predicted_matched,
        )


def best_matches(gold: list[str], predicted: list[str]) -> list[tuple[int | None, float]]:
    """For each gold paragraph: index of the predicted paragraph with the
    highest token F1 (None when there is none) and that F1."""
    predicted_tokens = [tokens(p) for p in predicted]
    result = []
    for g in gold:
        gt = tokens(g)
        best, best_f1 = None, 0.0
        for j, pt in enumerate(predicted_tokens):
            f1 = token_f1(gt, pt)
            if f1 > best_f1:
                best, best_f1 = j, f1
        result.append((best, best_f1))
    return result


def score_segmentation(gold: list[str], predicted: list[str], threshold: float = FOUND_F1) -> SegmentationScore:
    """A gold paragraph is found when some predicted paragraph of the same
    letter has token F1 >= threshold with it; a predicted paragraph is matched
    when it reaches that F1 with some gold paragraph."""
    gold_tokens = [tokens(g) for g in gold]
    predicted_tokens = [tokens(p) for p in predicted]
    found = sum(1 for gt in gold_tokens if any(token_f1(gt, pt) >= threshold for pt in predicted_tokens))
    matched = sum(1 for pt in predicted_tokens if any(token_f1(gt, pt) >= threshold for gt in gold_tokens))
    return SegmentationScore(len(gold), len(predicted), found, matched)
