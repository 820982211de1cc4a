"""The lines both cue-model benchmarks print per fold seed: each arm's
cross-fitted combination, and each arm against the base one, paired by
letter (context_cues.py, lexicon_revision.py)."""

from __future__ import annotations

import numpy as np

from standpunt.models.metrics import classification_metrics
from standpunt.pipelines.core.labels import LABELS
from standpunt.pipelines.evaluation.bootstrap import paired_letter_bootstrap


def arm_labels(report: dict) -> list[str]:
    """The labels of fit_combination's cross-fitted combination scores."""
    return [LABELS[i] for i in np.asarray(report["combination_scores"]).argmax(axis=1)]


def print_arms(seed: int, reports: dict[str, dict], base: str) -> None:
    predicted = {arm: arm_labels(report) for arm, report in reports.items()}
    gold, letters = reports[base]["heldout_labels"], reports[base]["heldout_letter_ids"]
    for arm, report in reports.items():
        metrics = classification_metrics(gold, predicted[arm])
        line = (
            f"seed {seed} {arm}: combination {metrics['macro_f1']:.3f} "
            f"(pushback {metrics['per_label']['pushback']['f1']:.3f}, none {metrics['per_label']['none']['f1']:.3f}); "
            f"cue model {report['cue_model']['macro_f1']:.3f}"
        )
        if arm != base:
            paired = paired_letter_bootstrap(letters, gold, predicted[base], predicted[arm], list(LABELS), seed=seed)
            line += (
                f"; minus {base} {paired['difference']:+.3f} ({paired['low']:+.3f} to {paired['high']:+.3f}, "
                f"ahead in {paired['better_share']:.0%})"
            )
        print(f"{line}; {len(set(letters))} letters", flush=True)
