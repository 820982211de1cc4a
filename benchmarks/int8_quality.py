"""Does int8 keep the quality of what ships? The shipped transformer's fp32
scores and those of int8 schemes (ONNX Runtime dynamic quantisation, per
channel), on the real letters it never trained on, alone and inside the
combination with the cue model, judged as the quality issue judges a model.

    python benchmarks/int8_quality.py [--seeds 13 14 15] [--schemes all ffn ...]

Schemes: `all` quantises every product (what `inference.quantize: int8`
exports); the others quantise part of the graph, built here from the fp32
export: `matmul` (every plain MatMul: attention output and feed-forward, not
the fused Q/K/V Attention), `ffn` (the two feed-forward products),
`attention+ffn-in` (Q/K/V and the first feed-forward product), `middle`
(everything in layers 1-10, first and last layer fp32). Each scheme's speed is
the transformer alone on 300 corpus paragraphs (first 128 tokens, batches of
8, best of two runs after a warm-up).

Per fold seed of the cue model, the stacker is refitted and cross-fitted over
letters on each set of scores (as `standpunt combine` would be run for an
int8 model), and each scheme is compared with fp32 paired over letters.
Label agreement alone says little here: the combination and the gate move
the decision boundaries.

Measured 2026-12-06 on an AVX-512 VNNI CPU (AMD Zen 4, 2 cores), 268
held-out letters, 1,062 paragraphs (README, "Inference speed"): every scheme
is faster (1.4x-1.8x) and every one scores below fp32 in the combination
(paired -0.003 to -0.015 on seed 13; `all` -0.015, -0.031 to +0.001), so
fp32 stays the default."""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from stack_candidates import f1_line, labels_of, log, stacked, study_arguments  # noqa: E402

from standpunt.models.combination import cross_fitted_cue_scores  # noqa: E402
from standpunt.pipelines.combine_command import EDIT_FILES, combination_inputs  # noqa: E402
from standpunt.pipelines.core.labels import LABELS  # noqa: E402
from standpunt.pipelines.evaluation.bootstrap import paired_letter_bootstrap  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "models" / "default"
PARTIAL = ("matmul", "ffn", "attention+ffn-in", "middle")


def _layer(node: str) -> int:
    """The encoder layer of a fused Attention node (Attention_<n>) or a MatMul (.../layer.<n>/...)."""
    return int(node.split("_")[1]) if node.startswith("Attention_") else int(node.split("layer.")[1].split("/")[0])


def scheme_nodes(graph, scheme: str) -> dict:
    """quantize_dynamic's arguments that quantise one part of the fused graph."""
    kinds = {node.name: node.op_type for node in graph.node}
    matmuls = [name for name, kind in kinds.items() if kind == "MatMul" and "layer." in name]
    attention = [name for name, kind in kinds.items() if kind == "Attention"]
    ffn_in = [name for name in matmuls if "/intermediate/" in name]
    ffn_out = [name for name in matmuls if "/output/dense/" in name and "/attention/" not in name]
    if scheme == "matmul":
        return {"op_types_to_quantize": ["MatMul"]}
    if scheme == "ffn":
        return {"nodes_to_quantize": ffn_in + ffn_out}
    if scheme == "attention+ffn-in":
        return {"nodes_to_quantize": attention + ffn_in}
    if scheme == "middle":
        last = max(_layer(name) for name in attention)
        return {"nodes_to_quantize": [name for name in matmuls + attention if 0 < _layer(name) < last]}
    raise ValueError(f"unknown int8 scheme {scheme!r}")


def partial_int8(fp32_path: Path, scheme: str, folder: Path) -> Path:
    import onnx

    from standpunt.models.onnx_backend import quantize_int8

    graph = onnx.load(str(fp32_path), load_external_data=False).graph
    return quantize_int8(fp32_path, folder / f"{scheme}.onnx", **scheme_nodes(graph, scheme))


def speed_paragraphs(count: int = 300) -> list[str]:
    texts = []
    for line in (ROOT / "data" / "corpus" / "real.jsonl").read_text(encoding="utf-8").splitlines():
        texts += [" ".join(p["text"].split()) for p in json.loads(line)["paragraphs"]]
    return texts[:count]


def paragraphs_per_s(model, texts: list[str]) -> float:
    model.predict(texts[:32])
    best = 0.0
    for _ in range(2):
        started = time.perf_counter()
        model.predict(texts)
        best = max(best, len(texts) / (time.perf_counter() - started))
    return best


def main() -> int:
    def schemes(parser):
        parser.add_argument("--schemes", nargs="+", default=["all", *PARTIAL], choices=["all", *PARTIAL])

    args = study_arguments(__doc__, schemes)
    from standpunt.models.onnx_backend import OnnxStanceModel, cpu_session

    real, extra, trained, _ = combination_inputs(args.config, SHIPPED / "metrics.json", EDIT_FILES)
    extra = extra.from_letters(set(real.letters))
    held = [n for n, letter in enumerate(real.letters) if letter not in trained]
    texts = [real.texts[n] for n in held]
    gold = [real.labels[n] for n in held]
    letters = [real.letters[n] for n in held]
    timing = speed_paragraphs()
    scores, rates = {}, {}
    with tempfile.TemporaryDirectory(prefix="int8-schemes-") as scratch:
        for scheme in ["fp32", *args.schemes]:
            model = OnnxStanceModel(SHIPPED, quantize="int8" if scheme == "all" else "none")
            if scheme in PARTIAL:
                model.session = cpu_session(partial_int8(model.path, scheme, Path(scratch)))
            rates[scheme] = paragraphs_per_s(model, timing)
            scores[scheme] = np.asarray(model.predict(texts).scores, dtype=np.float64)
            print(f"{scheme}: {rates[scheme]:.1f} paragraphs/s, transformer alone", flush=True)

    def scored(predicted: list[str]) -> str:
        return f1_line(gold, predicted)

    print(f"{len(set(letters))} held-out letters, {len(texts)} paragraphs")
    for scheme, rows in scores.items():
        agreement = np.mean(rows.argmax(axis=1) == scores["fp32"].argmax(axis=1))
        print(
            f"{scheme}: {rates[scheme] / rates['fp32']:.2f}x fp32's speed; transformer alone "
            f"{scored(labels_of(rows))}, {agreement:.1%} of labels as fp32"
        )
    for seed in args.seeds:
        cue = cross_fitted_cue_scores(
            real.texts, real.labels, real.letters, extra.texts, extra.labels, extra.letters, 5, seed
        )[held]
        combined = {
            scheme: labels_of(stacked(np.hstack([log(cue), log(rows)]), gold, letters, seed + 1, "diagonal"))
            for scheme, rows in scores.items()
        }
        print(f"seed {seed}, combination: " + ", ".join(f"{s} {scored(p)}" for s, p in combined.items()), flush=True)
        for scheme in args.schemes:
            paired = paired_letter_bootstrap(letters, gold, combined["fp32"], combined[scheme], list(LABELS))
            print(
                f"  {scheme} minus fp32 {paired['difference']:+.3f} (95% interval {paired['low']:+.3f} to "
                f"{paired['high']:+.3f}; {scheme} ahead in {paired['better_share']:.0%} of resamples)",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
