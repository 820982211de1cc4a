"""Refitting the shipped combination on newly annotated letters, judged on
those letters against the combination that ships.

    python benchmarks/combination_refit.py --config NEW.yaml [--since configs/default.yaml]
        [--model models/default] [--seeds 13 14 15]

Retraining the transformer takes about 50 minutes on two cores; the
combination over it (the rule book's cue model, the stacker, the gate)
takes about three. When annotated batches arrive that the shipped
transformer never trained on, they can join the combination alone: the
transformer scores them unseen, as it scores every letter it left out. Whether
that helps is measured where it matters, on the new letters: NEW's data.real
minus --since's (the letters the shipped combination was fitted on). For
each cue-model fold seed, `fit_combination` over every letter of NEW gives
each new letter scores from a cue model and stacker fitted without it
(cross-fitted by letter, as `standpunt combine` reports); the shipped
combination never saw these letters either. Both use the same transformer
scores, so the difference is the combination's alone. Paired letter
bootstrap on the new letters, per seed; and each refit's own out-of-fold
record over all of NEW's letters."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from machine import describe_machine  # noqa: E402
from stack_candidates import f1_line  # noqa: E402

from standpunt.models.combination import fit_combination, fold_cue_models  # noqa: E402
from standpunt.models.config import load_config  # noqa: E402
from standpunt.models.loading import resolve_model  # noqa: E402
from standpunt.models.unseen_scores import UnseenTransformer  # noqa: E402
from standpunt.pipelines.combine_command import (  # noqa: E402
    EDIT_FILES,
    combination_inputs,
    real_paragraphs,
    unseen_transformer,
)
from standpunt.pipelines.core.labels import LABELS  # noqa: E402
from standpunt.pipelines.evaluation.bootstrap import letter_bootstrap, paired_letter_bootstrap  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


class ScoredOnce(UnseenTransformer):
    """The same unseen transformer scores, computed once for every seed's refit."""

    def __init__(self, unseen: UnseenTransformer):
        super().__init__(unseen.scorers)
        self.memo: dict[tuple, np.ndarray] = {}

    def scores(self, texts: list[str], letters: list[str]) -> np.ndarray:
        key = (tuple(texts), tuple(letters))
        if key not in self.memo:
            self.memo[key] = super().scores(texts, letters)
        return self.memo[key]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True, help="training config whose data.real includes the new letters")
    parser.add_argument(
        "--since",
        default=str(ROOT / "configs" / "default.yaml"),
        help="the config the shipped combination was fitted with (its data.real are not new)",
    )
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "default")
    parser.add_argument("--seeds", type=int, nargs="+", default=[13, 14, 15])
    args = parser.parse_args()
    print(describe_machine(), flush=True)

    real, extra, _, _ = combination_inputs(args.config, args.model / "metrics.json", EDIT_FILES)
    old = set(real_paragraphs(load_config(args.since)).letters)
    new_rows = [n for n, letter in enumerate(real.letters) if letter not in old]
    if not new_rows:
        print(f"combination_refit: {args.config} names no letter beyond {args.since}", file=sys.stderr)
        return 2
    new = real.take(new_rows)
    shipped = resolve_model(str(args.model)).predict(new.texts).labels
    print(
        f"{len(set(real.letters))} letters in {args.config}, {len(set(new.letters))} of them new "
        f"({len(new_rows)} paragraphs), not in {args.since}"
    )
    print(f"shipped combination on the new letters: {f1_line(new.labels, shipped)}")
    interval = letter_bootstrap(new.letters, new.labels, shipped, list(LABELS))["macro_f1"]
    print(f"  95% interval (letters) {interval[0]:.3f}-{interval[1]:.3f}")
    unseen = ScoredOnce(unseen_transformer(args.model))
    # the report's score rows: the letters the transformer can score, in order
    held_rows = [n for n, letter in enumerate(real.letters) if unseen.can_score(letter)]
    position = {n: i for i, n in enumerate(held_rows)}
    for seed in args.seeds:
        _, report = fit_combination(unseen, real, extra, seed=seed, cue_models=fold_cue_models(real, extra, seed=seed))
        scores = np.asarray(report["combination_scores"])
        refit = [LABELS[int(scores[position[n]].argmax())] for n in new_rows]
        paired = paired_letter_bootstrap(new.letters, new.labels, shipped, refit, list(LABELS), seed=seed)
        print(
            f"seed {seed}: refit over {report['heldout_letters']} letters, out of fold "
            f"{report['combination']['macro_f1']:.3f} (pushback {report['combination']['pushback_f1']:.3f}); "
            f"on the new letters {f1_line(new.labels, refit)}, refit minus shipped {paired['difference']:+.3f} "
            f"({paired['low']:+.3f} to {paired['high']:+.3f}, ahead in {paired['better_share']:.0%})",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
