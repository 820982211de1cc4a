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

    def _words(self, text: str) -> np.ndarray:
        tokens = _TOKEN.findall(text.lower())
        terms = tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:])]
        counts: dict[int, int] = {}
        for term in terms:
            index = self.vocabulary.get(term)
            if index is not None:
                counts[index] = counts.get(index, 0) + 1
        row = np.zeros(len(self.idf))
        if counts:
            indices = np.fromiter(counts, dtype=np.int64)
            row[indices] = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64))) * self.idf[indices]
            row /= np.linalg.norm(row)
        return row

    def predict(self, texts: list[str]) -> Prediction:
        if not texts:
            return Prediction([], np.zeros((0, len(LABELS)), dtype=np.float32))
        features = np.array(
            [np.concatenate([self._words(t), np.asarray(cue_features(t)) * self.cue_weight]) for t in texts]
        )
        scores = softmax(features @ self.coef.T + self.intercept)
        return Prediction.from_scores(scores)
