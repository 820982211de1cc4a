"""What every predictor returns. Kept free of torch so that the ONNX Runtime
path of `standpunt predict` never imports it (about 200 MB less memory)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from standpunt.pipelines.core.labels import LABELS


@dataclass
class Prediction:
    """Labels and scores of n texts. The scores' columns follow `order`, and
    consumers read them by label name (`score_dicts`), never by position, so
    a model whose labels come in another order cannot be misread."""

    labels: list[str]
    scores: np.ndarray  # [n, len(order)], rows sum to 1
    order: tuple[str, ...] = LABELS

    def score_dicts(self, digits: int | None = None) -> list[dict[str, float]]:
        """One {label: score} a text; rounded to `digits` where given."""
        rows = []
        for row in self.scores:
            values = (float(v) if digits is None else round(float(v), digits) for v in row)
            rows.append(dict(zip(self.order, values)))
        return rows

    @classmethod
    def from_scores(cls, scores: np.ndarray, order: tuple[str, ...] = LABELS) -> Prediction:
        """Each row's label is its highest-scoring column: the one rule every model follows."""
        return cls([order[i] for i in scores.argmax(axis=1)], scores, tuple(order))

    def in_order(self, order: tuple[str, ...] = LABELS) -> np.ndarray:
        """The scores with their columns in `order` (looked up by name)."""
        if tuple(order) == tuple(self.order):
            return self.scores
        return self.scores[:, [self.order.index(label) for label in order]]
