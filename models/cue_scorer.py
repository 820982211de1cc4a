"""The fitted cue model (baselines.HybridBaseline) at prediction time, in
numpy alone.

Why not scikit-learn: importing it costs 1-3 s, and `standpunt predict` must
start in under 3 s. Fitting still uses scikit-learn; this applies what it
fitted, the same way: lower-cased word and bigram counts (scikit-learn's
default token pattern), sublinear TF times idf, L2-normalised, beside the
rule-book cue features, then the multinomial logistic regression's softmax.
tests/models/test_cue_scorer.py holds it to scikit-learn's scores."""

from __future__ import annotations

import json
import re

import numpy as np

from standpunt.models.baselines import cue_features
from standpunt.models.prediction import Prediction
from standpunt.models.windows import softmax
from standpunt.pipelines.core.labels import LABELS

_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token_pattern


class CueScorer:
    def __init__(self, arrays: dict[str, np.ndarray], settings: dict[str, str]):
        self.vocabulary: dict[str, int] = json.loads(settings["vocabulary"])
        self.cue_weight = float(settings["cue_weight"])
        self.idf = np.asarray(arrays["idf"], dtype=np.float64)
        classes = json.loads(settings["classes"])
        if arrays["coef"].shape[0] != len(
            classes
        ):  # scikit-learn keeps one row for two classes (a logistic, not a softmax)
            raise ValueError(f"a cue model needs at least three labels to score with a softmax, this one has {classes}")
        # rows of the coefficients in LABELS order (a label absent from training never wins)
        self.coef = np.zeros((len(LABELS), arrays["coef"].shape[1]))
        self.intercept = np.full(len(LABELS), -1e9)
        for row, label in enumerate(classes):
            self.coef[LABELS.index(label)] = arrays["coef"][row]
            self.intercept[LABELS.index(label)] = arrays["intercept"][row]

    def _words(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The text's non-zero TF-IDF entries (vocabulary indices, L2-normalised
        values): a paragraph holds a few dozen of the tens of thousands of terms,
        and a dense row per paragraph took 9% of `predict`'s time."""
        tokens = _TOKEN.findall(text.lower())
        terms = tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:])]
        counts: dict[int, int] = {}
        for term in terms:
            index = self.vocabulary.get(term)
            if index is not None:
                counts[index] = counts.get(index, 0) + 1
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        indices = np.fromiter(counts, dtype=np.int64)
        values = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64))) * self.idf[indices]
        return indices, values / np.linalg.norm(values)

    def predict(self, texts: list[str]) -> Prediction:
        if not texts:
            return Prediction([], np.zeros((0, len(LABELS)), dtype=np.float32))
        words = len(self.idf)
        rows, indices, values = [], [], []
        for row, text in enumerate(texts):
            index, value = self._words(text)
            rows.append(np.full(len(index), row))
            indices.append(index)
            values.append(value)
        rows, indices, values = np.concatenate(rows), np.concatenate(indices), np.concatenate(values)
        # logits = TF-IDF rows @ word coefficients + cue features @ cue coefficients, summed entry by entry
        contributions = self.coef[:, indices] * values
        logits = np.stack([np.bincount(rows, weights=c, minlength=len(texts)) for c in contributions], axis=1)
        cues = np.array([cue_features(t) for t in texts], dtype=np.float64) * self.cue_weight
        logits += cues @ self.coef[:, words:].T + self.intercept
        return Prediction.from_scores(softmax(logits))
