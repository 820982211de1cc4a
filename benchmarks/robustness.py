"""Minimal pairs from the rule book's conventions (data/robustness/pairs.jsonl):
one edit flips the label. A pair passes when the model labels both texts
right. Not a unit test: it measures a model, and a model may fail a pair.

    python benchmarks/robustness.py [--model M] [--pairs FILE ...] [--quiet]

--model defaults to the model predict uses; --pairs to
data/robustness/pairs.jsonl. With several files, each gets its own count,
per rule, so a larger written set shows which convention a model misses."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe_machine  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PAIRS = ROOT / "data" / "robustness" / "pairs.jsonl"
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="model folder, models:/ URI or baseline name")
    parser.add_argument("--pairs", type=Path, nargs="+", default=[PAIRS], help="pair files (JSON lines)")
    parser.add_argument("--quiet", action="store_true", help="counts per rule only, no line per pair")
    args = parser.parse_args()
    print(describe_machine(), flush=True)
    from standpunt.models.loading import resolve_model
    from standpunt.pipelines.evaluation.minimal_pairs import pair_outcomes, pair_texts, read_pairs

    predictor = resolve_model(args.model)
    for path in args.pairs:
        pairs = read_pairs(path)
        labels = predictor.predict(pair_texts(pairs)).labels
        per_rule: dict[str, list[int]] = {}
        for pair, (ok, got) in zip(pairs, pair_outcomes(pairs, labels)):
            tally = per_rule.setdefault(pair.rule, [0, 0])
            tally[0] += ok
            tally[1] += 1
            if not args.quiet:
                print(
                    f"{'pass' if ok else 'FAIL'}  {pair.rule}: expected {pair.labels[0]}/{pair.labels[1]}"
                    f", got {got[0]}/{got[1]}"
                )
        if len(per_rule) < len(pairs):
            for rule, (passed, total) in per_rule.items():
                print(f"  {passed:>3d} of {total:<3d} {rule}")
        passed = sum(p for p, _ in per_rule.values())
        print(f"{predictor.name} on {path.name}: {passed} of {len(pairs)} pairs pass")
    return 0


if __name__ == "__main__":
    sys.exit(main())
