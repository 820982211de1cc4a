"""Baselines scored beside a model on the same paragraphs, so every score
table shows what the transformer adds. Training (dev set) and the evaluation
harness (any annotated file) compare through this one function."""

from __future__ import annotations

from collections.abc import Iterable

from standpunt.models.baselines import BASELINES, make_baseline
from standpunt.models.metrics import classification_metrics


def compare_baselines(
    train_texts: list[str],
    train_labels: list[str],
    texts: list[str],
    gold: list[str],
    names: Iterable[str] = tuple(BASELINES),
) -> dict[str, dict]:
    """name -> classification_metrics of each named baseline, fitted on the
    training paragraphs (the lexicon fits on nothing) and scored on `texts`."""
    return {
        name: classification_metrics(gold, make_baseline(name, train_texts, train_labels).predict(texts).labels)
        for name in names
    }


def cross_fitted_baselines(
    training: list[tuple[list[str], list[str]]],
    held: list[tuple[list[str], list[str]]],
    names: Iterable[str] = tuple(BASELINES),
) -> dict[str, float]:
    """name -> out-of-fold macro-F1 of each named baseline: fitted on each
    fold's (training texts, labels), scored on that fold's held (texts,
    gold), the predictions of all folds pooled, as a cross-fitted model's are."""
    names = list(names)
    predicted: dict[str, list[str]] = {name: [] for name in names}
    gold: list[str] = []
    for (train_texts, train_labels), (texts, labels) in zip(training, held, strict=True):
        gold += labels
        for name in names:
            predicted[name] += make_baseline(name, train_texts, train_labels).predict(texts).labels
    return {name: classification_metrics(gold, predicted[name])["macro_f1"] for name in names}
