"""Two trained transformers, each combined with the rule book as `combine`
does, on the real letters neither of them trained on.

    python benchmarks/compare_transformers.py OLD_MODEL NEW_MODEL [--seeds 13 14 15] [--config ...]

Each model's own `combine` figure comes from its own held-out letters, so two
models trained on different letters cannot be compared by those figures.
Here both are scored on the same letters, those each can score with a
transformer that never saw them (outside its recorded training letters, or,
for a cross-fitted model trained on every letter, by the fold model that left
the letter out: models/unseen_scores.py), the stacker cross-fitted by letter
with several fold seeds (its spread is the noise of the fold draw), and the
difference is resampled by letter for both at once (paired), which is what
decides whether the new one ships. Nothing is written."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe_machine  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def memoized(predict):
    """The transformer's scores once per model, whatever the fold seed."""
    cache = {}

    def scores(texts: list[str]):
        key = tuple(texts)
        if key not in cache:
            cache[key] = predict(texts)
        return cache[key]

    return scores


def memoized_transformer(unseen, also_trained: frozenset[str] = frozenset()):
    """`unseen` with each scorer's scores kept across fold seeds; `also_trained`
    counts as trained on by every scorer (letters another model cannot score)."""
    from standpunt.models.unseen_scores import Scorer, UnseenTransformer

    return UnseenTransformer([Scorer(s.name, memoized(s.predict), s.trained | also_trained) for s in unseen.scorers])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument("--seeds", type=int, nargs="+", default=[13, 14, 15])
    parser.add_argument("--config", default=str(ROOT / "configs" / "default.yaml"))
    parser.add_argument(
        "--extra", nargs="*", type=Path, default=None, help="training-only edits (default: combine's); no file: none"
    )
    args = parser.parse_args()
    print(describe_machine(), flush=True)
    from standpunt.models.combination import fit_combination
    from standpunt.pipelines.combine_command import EDIT_FILES, combination_inputs, scored_by, unseen_transformer
    from standpunt.pipelines.core.labels import LABELS
    from standpunt.pipelines.evaluation.bootstrap import paired_letter_bootstrap

    real, extra, _, _ = combination_inputs(
        args.config, args.old / "metrics.json", EDIT_FILES if args.extra is None else args.extra
    )
    unseen = {folder: unseen_transformer(folder) for folder in (args.old, args.new)}
    # only the letters both can score unseen; the cue model still trains on every letter
    neither = frozenset(letter for letter in real.letters if not all(u.can_score(letter) for u in unseen.values()))
    averaged = {}
    for folder in (args.old, args.new):
        both = memoized_transformer(unseen[folder], neither)
        runs = []
        for seed in args.seeds:
            _, report = fit_combination(both, real, extra, seed=seed)
            runs.append(report)
        first = runs[0]
        averaged[folder] = np.mean([np.asarray(r["combination_scores"]) for r in runs], axis=0)
        f1s = [r["combination"]["macro_f1"] for r in runs]
        pushback = [r["combination"]["pushback_f1"] for r in runs]
        print(
            f"{folder}: trained on {len(unseen[folder].scorers[0].trained)} letters, "
            f"{scored_by(first['scored_by'])}; transformer alone macro-F1 "
            f"{first['transformer']['macro_f1']:.3f} (pushback {first['transformer']['pushback_f1']:.3f}); "
            f"combination {np.mean(f1s):.3f} (seeds {min(f1s):.3f}-{max(f1s):.3f}; pushback {np.mean(pushback):.3f})",
            flush=True,
        )
    gold, letters = first["heldout_labels"], first["heldout_letter_ids"]
    print(
        f"\nscored on {first['heldout_letters']} letters ({first['heldout_paragraphs']} paragraphs, "
        f"{gold.count('pushback')} pushback) that neither model trained on; "
        f"lexicon {first['lexicon']['macro_f1']:.3f}, "
        f"cue model {np.mean([r['cue_model']['macro_f1'] for r in runs]):.3f}"
    )
    predicted = {folder: [LABELS[i] for i in scores.argmax(axis=1)] for folder, scores in averaged.items()}
    paired = paired_letter_bootstrap(letters, gold, predicted[args.old], predicted[args.new], list(LABELS))
    print(
        f"combination, seeds averaged: new minus old {paired['difference']:+.3f} "
        f"(95% interval {paired['low']:+.3f} to {paired['high']:+.3f}; new ahead in {paired['better_share']:.0%} "
        "of letter resamples)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
