"""Scores of predicted labels against gold ones, computed with scikit-learn so
that every figure can be reproduced independently."""

from __future__ import annotations

import numpy as np

from standpunt.pipelines.core.labels import LABELS


def classification_metrics(gold: list[str], predicted: list[str], labels: tuple[str, ...] = LABELS) -> dict:
    from sklearn.metrics import (
        accuracy_score,
        cohen_kappa_score,
        confusion_matrix,
        f1_score,
        precision_recall_fscore_support,
    )

    present = [label for label in labels if label in set(gold)]
    precision, recall, f1, support = precision_recall_fscore_support(
        gold, predicted, labels=list(labels), zero_division=0
    )
    return {
        "n": len(gold),
        "accuracy": float(accuracy_score(gold, predicted)) if gold else 0.0,
        "macro_f1": float(f1_score(gold, predicted, labels=present, average="macro", zero_division=0)) if gold else 0.0,
        "kappa": float(cohen_kappa_score(gold, predicted)) if len(set(gold) | set(predicted)) > 1 else 0.0,
        "per_label": {
            label: {"precision": float(p), "recall": float(r), "f1": float(f), "support": int(s)}
            for label, p, r, f, s in zip(labels, precision, recall, f1, support)
        },
        "labels_present": present,
        "confusion": confusion_matrix(gold, predicted, labels=list(labels)).tolist(),
    }


def confusion_figure(confusion: list[list[int]], labels: tuple[str, ...], title: str):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    matrix = np.array(confusion)
    fig, ax = plt.subplots(figsize=(4.8, 4.2))
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=30)
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    ax.set_title(title)
    for i in range(matrix.shape[0]):
        for j in range(matrix.shape[1]):
            ax.text(
                j,
                i,
                str(matrix[i, j]),
                ha="center",
                va="center",
                color="white" if matrix[i, j] > matrix.max() / 2 else "black",
            )
    fig.tight_layout()
    return fig
