"""Transformer scores for real letters, each from a model that never trained on it.

Why: the combination's stacker and the evidence ranker learn how far to trust
the transformer, so they must see its scores on letters it did not learn
from; on its own training letters it is far surer, and rightly so only there.
A model trained on one split scores the letters it left out itself. A
cross-fitted model (`data.folds`) trained on every letter, so its letters are
scored by its fold models (models/model_folder.py `folds/`), each of which
left one fold of letters out. `UnseenTransformer` picks, letter by letter,
the first model that never saw it."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import NamedTuple

import numpy as np

from standpunt.models.model_folder import ModelFolder
from standpunt.models.prediction import Prediction


class Scorer(NamedTuple):
    name: str  # "model", "fold0", ...: what the report counts letters by
    predict: Callable[[list[str]], Prediction]
    trained: frozenset[str]  # the letters it trained on


class UnseenTransformer:
    """Scores texts of real letters with, per letter, the first of `scorers` that did not train on it."""

    def __init__(self, scorers: list[Scorer]):
        self.scorers = scorers

    @classmethod
    def held_out(cls, predict: Callable[[list[str]], Prediction], trained: set[str]) -> UnseenTransformer:
        """One model, scoring only the letters outside its training letters."""
        return cls([Scorer("model", predict, frozenset(trained))])

    def scorer_of(self, letter: str) -> Scorer | None:
        return next((s for s in self.scorers if letter not in s.trained), None)

    def can_score(self, letter: str) -> bool:
        return self.scorer_of(letter) is not None

    def letters_by_scorer(self, letters: list[str]) -> dict[str, int]:
        """How many of these letters each scorer scores (the report's `scored_by`)."""
        counts = {scorer.name: 0 for scorer in self.scorers}
        for letter in set(letters):
            scorer = self.scorer_of(letter)
            if scorer is not None:
                counts[scorer.name] += 1
        return counts

    def scores(self, texts: list[str], letters: list[str]) -> np.ndarray:
        """Each text's probabilities from a model that never saw its letter;
        ValueError where every model trained on it."""
        rows_of: dict[str, list[int]] = {}
        for n, letter in enumerate(letters):
            scorer = self.scorer_of(letter)
            if scorer is None:
                raise ValueError(f"letter {letter}: every transformer given trained on it, none can score it unseen")
            rows_of.setdefault(scorer.name, []).append(n)
        out: np.ndarray | None = None
        for scorer in self.scorers:
            rows = rows_of.get(scorer.name)
            if not rows:
                continue
            scores = np.asarray(scorer.predict([texts[n] for n in rows]).scores, dtype=np.float64)
            if out is None:
                out = np.zeros((len(texts), scores.shape[1]))
            out[rows] = scores
        return out if out is not None else np.zeros((0, 0))


def trained_letters(folder: ModelFolder) -> frozenset[str]:
    """The letters a model folder's metrics.json says it trained on; KeyError/TypeError where it does not say."""
    return frozenset(folder.metrics()["dataset"]["train"]["letter_ids"])


def folder_transformer(model_dir: str | Path, load_model: Callable[[Path], object]) -> UnseenTransformer:
    """The model itself, then its fold models, each loaded (by `load_model`,
    e.g. OnnxStanceModel or StanceModel.load) only when a letter needs it."""
    folder = ModelFolder(model_dir)
    scorers = []
    for name, member in [("model", folder)] + [(f.path.name, f) for f in folder.fold_folders()]:
        loaded = cache(lambda path=member.path: load_model(path))
        scorers.append(Scorer(name, lambda texts, loaded=loaded: loaded().predict(texts), trained_letters(member)))
    return UnseenTransformer(scorers)
