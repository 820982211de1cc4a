"""The stacker's prior weight (`combination.fit_stacker`): the class-balanced
stacker against the one `combine` now fits, whose weight is chosen by
cross-validation, both fitted as `combine` fits them, paired by letter.

    python benchmarks/prior_weight.py [--model models/default] [--config configs/ship.yaml] [--seeds 13 14 15]

For each cue-model fold seed, `fit_combination` runs twice on the same
letters and folds: once with the weight held at 0 (class-balanced, as the
combination was fitted before the twentieth session) and once choosing it
among 0, 0.1, ..., 1 (each fold's weight chosen on the other folds' scores).
The transformer's scores are the model's unseen scores (its fold models for
a cross-fitted model), computed once for all seeds. Prints both gated
combinations' macro-F1 and pushback F1, the weight chosen per fold, the
expected calibration error of each, and the difference paired by letter.
Nothing is written."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from arm_report import print_arms  # noqa: E402
from compare_transformers import memoized_transformer  # noqa: E402
from machine import describe_machine  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "default")
    parser.add_argument("--config", default=str(ROOT / "configs" / "ship.yaml"))
    parser.add_argument("--seeds", type=int, nargs="+", default=[13, 14, 15])
    args = parser.parse_args()
    print(describe_machine(), flush=True)
    from standpunt.models.combination import fit_combination, fold_cue_models
    from standpunt.pipelines.combine_command import EDIT_FILES, combination_inputs, unseen_transformer
    from standpunt.pipelines.core.labels import LABELS
    from standpunt.pipelines.evaluation.calibration import reliability

    real, extra, _, _ = combination_inputs(args.config, args.model / "metrics.json", EDIT_FILES)
    unseen = memoized_transformer(unseen_transformer(args.model))
    for seed in args.seeds:
        cue_models = fold_cue_models(real, extra, seed=seed)
        reports = {
            "balanced": fit_combination(unseen, real, extra, seed=seed, cue_models=cue_models, prior_weights=(0.0,))[1],
            "chosen": fit_combination(unseen, real, extra, seed=seed, cue_models=cue_models)[1],
        }
        for name, report in reports.items():
            scores = np.asarray(report["combination_scores"])
            gold = np.array([LABELS.index(label) for label in report["heldout_labels"]])
            ece, _ = reliability(scores.max(axis=1), scores.argmax(axis=1) == gold)
            print(
                f"seed {seed} {name}: ECE {ece:.3f}, weight {report['prior']['weight']} "
                f"(by fold {report['prior']['weight_by_fold']}), gate {report['gate']['threshold']} "
                f"skips {report['gate']['skipped_share']:.0%}",
                flush=True,
            )
        print_arms(seed, reports, base="balanced")  # each gated combination, and chosen minus balanced by letter
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
