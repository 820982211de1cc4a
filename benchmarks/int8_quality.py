"""Does int8 keep the quality of what ships? The shipped transformer's fp32
and int8 (ONNX Runtime dynamic quantisation of every product) scores on the
real letters it never trained on, alone and inside the combination with the
cue model, judged as the quality issue judges a model.

    python benchmarks/int8_quality.py [--seeds 13 14 15]

Per fold seed of the cue model, the stacker is refitted and cross-fitted over
letters on each set of scores (as `standpunt combine` would be run for an
int8 model), and the first seed's two combinations are compared paired over
letters. Label agreement alone says little here: the combination and the
gate move the decision boundaries.

Measured 2026-12-06 on an AVX-512 VNNI CPU (README, "Inference speed"), 268
held-out letters, 1,062 paragraphs: transformer alone 0.460 fp32 against 0.459
int8 (96.0% of labels the same); combination, seeds 13 / 14 / 15, 0.523 /
0.522 / 0.514 against 0.508 / 0.510 / 0.515; paired (seed 13) -0.015 (95%
interval -0.031 to +0.001; int8 ahead in 4% of resamples). So fp32 stays the
default."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from stack_candidates import log, stacked, study_arguments  # noqa: E402

from standpunt.models.combination import cross_fitted_cue_scores  # noqa: E402
from standpunt.models.metrics import classification_metrics  # noqa: E402
from standpunt.pipelines.combine_command import EDIT_FILES, combination_inputs  # noqa: E402
from standpunt.pipelines.core.labels import LABELS  # noqa: E402
from standpunt.pipelines.evaluation.bootstrap import paired_letter_bootstrap  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "models" / "default"


def main() -> int:
    args = study_arguments(__doc__)
    from standpunt.models.onnx_backend import OnnxStanceModel

    real, extra, trained, _ = combination_inputs(args.config, SHIPPED / "metrics.json", EDIT_FILES)
    extra = extra.from_letters(set(real.letters))
    held = [n for n, letter in enumerate(real.letters) if letter not in trained]
    texts = [real.texts[n] for n in held]
    gold = [real.labels[n] for n in held]
    letters = [real.letters[n] for n in held]
    scores = {}
    for quantize in ("none", "int8"):
        model = OnnxStanceModel(SHIPPED, quantize=quantize)
        started = time.perf_counter()
        scores[quantize] = np.asarray(model.predict(texts).scores, dtype=np.float64)
        print(f"{quantize}: {len(texts) / (time.perf_counter() - started):.1f} paragraphs/s", flush=True)

    def labels_of(rows: np.ndarray) -> list[str]:
        return [LABELS[i] for i in rows.argmax(axis=1)]

    def scored(predicted: list[str]) -> str:
        metrics = classification_metrics(gold, predicted)
        return f"{metrics['macro_f1']:.3f} (pushback {metrics['per_label']['pushback']['f1']:.3f})"

    agreement = np.mean(scores["none"].argmax(axis=1) == scores["int8"].argmax(axis=1))
    print(
        f"{len(set(letters))} held-out letters, {len(texts)} paragraphs; transformer alone: "
        f"fp32 {scored(labels_of(scores['none']))}, int8 {scored(labels_of(scores['int8']))}, "
        f"{agreement:.1%} of labels the same"
    )
    for seed in args.seeds:
        cue = cross_fitted_cue_scores(
            real.texts, real.labels, real.letters, extra.texts, extra.labels, extra.letters, 5, seed
        )[held]
        combined = {
            quantize: labels_of(stacked(np.hstack([log(cue), log(rows)]), gold, letters, seed + 1, "diagonal"))
            for quantize, rows in scores.items()
        }
        line = f"seed {seed}: combination fp32 {scored(combined['none'])}, int8 {scored(combined['int8'])}"
        if seed == args.seeds[0]:
            paired = paired_letter_bootstrap(letters, gold, combined["none"], combined["int8"], list(LABELS))
            line += (
                f"; int8 minus fp32 {paired['difference']:+.3f} (95% interval {paired['low']:+.3f} to "
                f"{paired['high']:+.3f}; int8 ahead in {paired['better_share']:.0%} of resamples)"
            )
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
