"""Segmentation quality on the annotated corpus: how many gold paragraphs the
segmenter finds (recall) and how many of its paragraphs are real ones
(precision), next to a naive blank-line split.

    python benchmarks/segmentation.py [--corpus data/corpus] [--errors N]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from standpunt.pipelines.alignment import FOUND_F1, SegmentationScore, score_segmentation, token_f1  # noqa: E402
from standpunt.pipelines.core.text import fold  # noqa: E402
from standpunt.pipelines.segment import segment_text  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe_machine  # noqa: E402


def blank_line_split(text: str) -> list[str]:
    return [fold(b) for b in re.split(r"\n[ \t\f]*\n", text) if fold(b)]


def run(path: Path, errors: int) -> dict:
    ours = SegmentationScore(0, 0, 0, 0)
    naive = SegmentationScore(0, 0, 0, 0)
    shown = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        gold = [p["text"] for p in record["paragraphs"]]
        predicted = [p.text for p in segment_text(record["text"])]
        score = score_segmentation(gold, predicted)
        ours += score
        naive += score_segmentation(gold, blank_line_split(record["text"]))
        if shown < errors and (score.gold_found < score.gold or score.predicted_matched < score.predicted):
            shown += 1
            print(
                f"--- {record['id']}: found {score.gold_found}/{score.gold}"
                f", matched {score.predicted_matched}/{score.predicted}"
            )
            for g in gold:
                if not any(token_f1(g, p) >= FOUND_F1 for p in predicted):
                    print(f"   MISSED  {g[:150]!r}")
            for p in predicted:
                if not any(token_f1(g, p) >= FOUND_F1 for g in gold):
                    print(f"   EXTRA   {p[:150]!r}")
    return {
        "file": path.name,
        "gold": ours.gold,
        "predicted": ours.predicted,
        "recall": round(ours.recall, 4),
        "precision": round(ours.precision, 4),
        "naive_recall": round(naive.recall, 4),
        "naive_precision": round(naive.precision, 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parents[1] / "data" / "corpus")
    parser.add_argument("--errors", type=int, default=0, help="print the first N letters with misses")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    print(describe_machine(), flush=True)
    results = [
        run(args.corpus / name, args.errors) for name in ("real.jsonl", "synthetic.jsonl", "synthetic_genres.jsonl")
    ]
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"{'file':<24} {'gold':>5} {'pred':>5} {'recall':>7} {'precision':>9}   {'blank-line split R/P':>20}")
    for r in results:
        print(
            f"{r['file']:<24} {r['gold']:>5} {r['predicted']:>5} {r['recall']:>7.3f} {r['precision']:>9.3f}   "
            f"{r['naive_recall']:>9.3f} / {r['naive_precision']:.3f}"
        )


if __name__ == "__main__":
    main()
