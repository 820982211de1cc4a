"""Minimal pairs from the rule book's conventions (data/robustness/pairs.jsonl):
one edit flips the label. A pair passes when the model labels both texts
right. Not a unit test: it measures a model, and a model may fail a pair.

    python benchmarks/robustness.py [--model M]    (default: the model predict uses)"""

from __future__ import annotations

import argparse
import json
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
    args = parser.parse_args()
    print(describe_machine(), flush=True)
    from standpunt.models.loading import resolve_model

    pairs = [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines() if line.strip()]
    predictor = resolve_model(args.model)
    texts = [side[k]["text"] for side in pairs for k in ("a", "b")]
    labels = predictor.predict(texts).labels
    passed = 0
    for n, pair in enumerate(pairs):
        got = labels[2 * n], labels[2 * n + 1]
        ok = got == (pair["a"]["label"], pair["b"]["label"])
        passed += ok
        print(
            f"{'pass' if ok else 'FAIL'}  {pair['rule']}: expected {pair['a']['label']}/{pair['b']['label']}"
            f", got {got[0]}/{got[1]}"
        )
    print(f"{predictor.name}: {passed} of {len(pairs)} pairs pass")
    return 0


if __name__ == "__main__":
    sys.exit(main())
