"""Confidence intervals that respect the data's structure: paragraphs of one
letter are not independent, so we resample whole letters."""

from __future__ import annotations

import numpy as np


def macro_f1(gold: np.ndarray, predicted: np.ndarray, labels: list[str]) -> float:
    """Macro-F1 over the labels present in `gold` (same definition as the point estimate)."""
    present = [label for label in labels if np.any(gold == label)]
    if not present:
        return 0.0
    scores = []
    for label in present:
        tp = np.sum((gold == label) & (predicted == label))
        fp = np.sum((gold != label) & (predicted == label))
        fn = np.sum((gold == label) & (predicted != label))
        scores.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return float(np.mean(scores))


def letter_resamples(letters: list[str], resamples: int, seed: int):
    """Row indices of `resamples` draws of whole letters with replacement (seeded)."""
    groups: dict[str, list[int]] = {}
    for index, letter in enumerate(letters):
        groups.setdefault(letter, []).append(index)
    members = [np.array(v) for v in groups.values()]
    rng = np.random.default_rng(seed)
    for _ in range(resamples):
        chosen = rng.integers(0, len(members), size=len(members))
        yield np.concatenate([members[c] for c in chosen])


def percentile_interval(values: list[float], level: float) -> list[float]:
    """The central `level` share of resampled values: [low, high]."""
    tail = (1 - level) / 2 * 100
    return [float(np.percentile(values, tail)), float(np.percentile(values, 100 - tail))]


def letter_bootstrap(
    letters: list[str],
    gold: list[str],
    predicted: list[str],
    labels: list[str],
    resamples: int = 1000,
    seed: int = 13,
    level: float = 0.95,
) -> dict[str, list[float]]:
    """Percentile intervals for macro-F1 and accuracy, resampling letters with replacement."""
    gold_a, pred_a = np.asarray(gold, dtype=object), np.asarray(predicted, dtype=object)
    f1s, accuracies = [], []
    for idx in letter_resamples(letters, resamples, seed):
        g, p = gold_a[idx], pred_a[idx]
        f1s.append(macro_f1(g, p, labels))
        accuracies.append(float(np.mean(g == p)))
    return {"macro_f1": percentile_interval(f1s, level), "accuracy": percentile_interval(accuracies, level)}


def paired_letter_bootstrap(
    letters: list[str],
    gold: list[str],
    predicted_a: list[str],
    predicted_b: list[str],
    labels: list[str],
    resamples: int = 1000,
    seed: int = 13,
    level: float = 0.95,
) -> dict[str, float]:
    """Macro-F1 of b minus a on the same resampled letters. Two models scored
    on the same letters share those letters' difficulty, so the interval of
    their difference is far narrower than the two intervals side by side
    suggest; `better_share` is the share of resamples where b is ahead."""
    gold_a = np.asarray(gold, dtype=object)
    first, second = np.asarray(predicted_a, dtype=object), np.asarray(predicted_b, dtype=object)
    differences = []
    for idx in letter_resamples(letters, resamples, seed):
        differences.append(macro_f1(gold_a[idx], second[idx], labels) - macro_f1(gold_a[idx], first[idx], labels))
    low, high = percentile_interval(differences, level)
    return {
        "difference": macro_f1(gold_a, second, labels) - macro_f1(gold_a, first, labels),
        "low": low,
        "high": high,
        "better_share": float(np.mean(np.array(differences) > 0)),
    }
