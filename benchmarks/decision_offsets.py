"""Per-label decision offsets on the shipped combination's cross-fitted scores:
does argmax(log p + b), with b chosen for macro-F1 on other letters, beat
the argmax of the calibrated probabilities?

    python benchmarks/decision_offsets.py [--model models/default] [--seeds 13 14 15]

The combination is fitted as `combine` fits it (transformer scores of letters
the scoring model never saw, cue model cross-fitted by letter), once per
cue-model fold seed. Its cross-fitted scores are then split by letter into
five folds: the offsets are chosen on four (coordinate search over -1.5 to
1.5 for every label but none) and applied to the fifth, and the pooled labels
are set against plain argmax, paired by letter. Nothing is written."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare_transformers import memoized_transformer  # noqa: E402
from machine import describe_machine  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def offset_labels(scores: np.ndarray, offsets: np.ndarray, labels: tuple[str, ...]) -> list[str]:
    return [labels[i] for i in (np.log(np.clip(scores, 1e-9, 1.0)) + offsets).argmax(axis=1)]


def choose_offsets(scores: np.ndarray, gold: list[str], labels: tuple[str, ...], fixed: str = "none") -> np.ndarray:
    """Offsets that maximise macro-F1 on these scores, one label at a time, three passes."""
    from standpunt.models.metrics import classification_metrics

    def macro_f1(offsets: np.ndarray) -> float:
        return classification_metrics(gold, offset_labels(scores, offsets, labels))["macro_f1"]

    offsets = np.zeros(len(labels))
    best = macro_f1(offsets)
    for _ in range(3):
        for j, label in enumerate(labels):
            if label == fixed:
                continue
            for value in np.round(np.arange(-1.5, 1.51, 0.1), 2):
                trial = offsets.copy()
                trial[j] = value
                score = macro_f1(trial)
                if score > best + 1e-12:
                    best, offsets = score, trial
    return offsets


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "default")
    parser.add_argument("--seeds", type=int, nargs="+", default=[13, 14, 15])
    parser.add_argument("--config", default=str(ROOT / "configs" / "default.yaml"))
    args = parser.parse_args()
    print(describe_machine(), flush=True)
    from standpunt.models.combination import fit_combination, letter_folds
    from standpunt.models.metrics import classification_metrics
    from standpunt.pipelines.combine_command import EDIT_FILES, combination_inputs, unseen_transformer
    from standpunt.pipelines.core.labels import LABELS
    from standpunt.pipelines.evaluation.bootstrap import paired_letter_bootstrap

    real, extra, _, _ = combination_inputs(args.config, args.model / "metrics.json", EDIT_FILES)
    unseen = memoized_transformer(unseen_transformer(args.model))
    for seed in args.seeds:
        _, report = fit_combination(unseen, real, extra, seed=seed)
        scores = np.asarray(report["combination_scores"])
        gold, letters = report["heldout_labels"], report["heldout_letter_ids"]
        fold_of = letter_folds(letters, 5, 99)
        folds = np.array([fold_of[letter] for letter in letters])
        shifted: list[str | None] = [None] * len(gold)
        chosen = []
        for k in range(5):
            rest, here = np.flatnonzero(folds != k), np.flatnonzero(folds == k)
            offsets = choose_offsets(scores[rest], [gold[i] for i in rest], tuple(LABELS))
            chosen.append(offsets)
            for i, label in zip(here, offset_labels(scores[here], offsets, tuple(LABELS))):
                shifted[i] = label
        plain = [LABELS[i] for i in scores.argmax(axis=1)]
        before, after = classification_metrics(gold, plain), classification_metrics(gold, shifted)
        paired = paired_letter_bootstrap(letters, gold, plain, shifted, list(LABELS))
        print(
            f"seed {seed}: argmax {before['macro_f1']:.3f} (pushback {before['per_label']['pushback']['f1']:.3f}) "
            f"-> offsets {after['macro_f1']:.3f} (pushback {after['per_label']['pushback']['f1']:.3f}); "
            f"paired {paired['difference']:+.3f} ({paired['low']:+.3f} to {paired['high']:+.3f}, "
            f"ahead in {paired['better_share']:.0%}); mean offsets "
            + ", ".join(f"{label} {value:+.2f}" for label, value in zip(LABELS, np.mean(chosen, axis=0))),
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
