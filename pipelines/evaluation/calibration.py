"""Whether the predicted probabilities can be read as probabilities: expected
calibration error over equal-width confidence bins, and its diagram."""

from __future__ import annotations

import numpy as np


def reliability(confidence: np.ndarray, correct: np.ndarray, bins: int = 10) -> tuple[float, list[dict]]:
    """(ECE, per-bin rows) for top-label confidence and correctness."""
    confidence = np.asarray(confidence, dtype=float)
    correct = np.asarray(correct, dtype=float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    rows, ece, n = [], 0.0, len(confidence)
    for i in range(bins):
        low, high = edges[i], edges[i + 1]
        inside = (confidence > low) & (confidence <= high) if i else (confidence >= low) & (confidence <= high)
        count = int(inside.sum())
        if count:
            accuracy, mean_confidence = float(correct[inside].mean()), float(confidence[inside].mean())
            ece += abs(accuracy - mean_confidence) * count / n
        else:
            accuracy = mean_confidence = None
        rows.append(
            {
                "low": float(low),
                "high": float(high),
                "count": count,
                "accuracy": accuracy,
                "confidence": mean_confidence,
            }
        )
    return float(ece), rows


def reliability_figure(rows: list[dict], ece: float, title: str):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4.6, 4.2))
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", linewidth=1)
    used = [r for r in rows if r["count"]]
    ax.bar(
        [(r["low"] + r["high"]) / 2 for r in used],
        [r["accuracy"] for r in used],
        width=0.1,
        alpha=0.7,
        edgecolor="black",
    )
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("confidence (top label probability)")
    ax.set_ylabel("accuracy")
    ax.set_title(f"{title}\nECE {ece:.3f}")
    fig.tight_layout()
    return fig
