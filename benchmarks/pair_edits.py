"""The rule book's conventions written out as minimal pairs, used as training
rows for the cue model, judged on real letters and on pairs it never saw.

    python benchmarks/pair_edits.py --config ALL.yaml --train-pairs A.jsonl ... --judge-pairs E.jsonl ...
        [--model models/default] [--seeds 13 14 15]

A regular-expression rule book learns a convention one phrasing at a time;
the cue model (TF-IDF + the lexicon's hits + logistic regression) might learn
the convention itself from a few hundred written examples ("ik deel ...
niet" beside "ik deel ..."), as the counterfactual edits taught it pushback.
Two arms, refitted exactly as `standpunt combine` does with the shipped
transformer's scores held fixed (out of sample: its fold models for the
letters it trained on): the counterfactual edits alone, and the edits plus
both sides of every --train-pairs pair, which train in every fold (they come
from no letter: combination.WRITTEN). Per cue-model fold seed: each arm's
cross-fitted combination over the config's real letters, the difference
paired by letter, and each arm's combination fitted on every letter (as it
would ship) on the --judge-pairs files, which neither arm trained on."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from arm_report import print_arms  # noqa: E402
from combination_refit import ScoredOnce  # noqa: E402
from machine import describe_machine  # noqa: E402

from standpunt.models.combination import WRITTEN, fit_combination, fold_cue_models  # noqa: E402
from standpunt.pipelines.combine_command import (  # noqa: E402
    EDIT_FILES,
    combination_inputs,
    unseen_transformer,
    written_paragraphs,
)
from standpunt.pipelines.evaluation.minimal_pairs import pair_texts, pairs_passed, read_pairs  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True, help="training config whose data.real are the letters to judge on")
    parser.add_argument("--train-pairs", type=Path, nargs="+", required=True)
    parser.add_argument("--judge-pairs", type=Path, nargs="+", required=True)
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "default")
    parser.add_argument("--seeds", type=int, nargs="+", default=[13, 14, 15])
    args = parser.parse_args()
    print(describe_machine(), flush=True)

    # the edits alone (no written pairs) as the base arm
    real, edits, _, _ = combination_inputs(args.config, args.model / "metrics.json", EDIT_FILES, pair_paths=[])
    written = written_paragraphs(args.train_pairs)
    arms = {"edits": edits, "edits + pairs": edits.joined(written)}
    print(
        f"{len(set(real.letters))} real letters, {len(real.texts)} paragraphs; {len(edits.texts)} edits; "
        f"{len(written.texts)} written pair texts from {len(args.train_pairs)} files",
        flush=True,
    )
    unseen = ScoredOnce(unseen_transformer(args.model))
    judged = [(path.name, read_pairs(path)) for path in args.judge_pairs]
    # the pair texts come from no letter any transformer trained on: the model itself scores them
    judged_scores = {
        name: unseen.scores(pair_texts(pairs), [f"{WRITTEN}{name}"] * 2 * len(pairs)) for name, pairs in judged
    }
    for seed in args.seeds:
        reports, passes = {}, {}
        for arm, extra in arms.items():
            combination, reports[arm] = fit_combination(
                unseen, real, extra, seed=seed, cue_models=fold_cue_models(real, extra, seed=seed)
            )
            passes[arm] = []
            for name, pairs in judged:
                labels = combination.combine(pair_texts(pairs), judged_scores[name]).labels
                passes[arm].append((name, pairs_passed(pairs, labels), len(pairs)))
        print_arms(seed, reports, base="edits")
        for arm, counts in passes.items():
            shown = ", ".join(f"{name} {n} of {total}" for name, n, total in counts)
            print(f"seed {seed} {arm}: pairs passed by the refit on every letter: {shown}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
