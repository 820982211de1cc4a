"""Does the int8 path keep quality? On the real dev letters (and all real
letters), compare int8 labels with fp32 labels of the same model.

    python benchmarks/int8_quality.py

The bar for making int8 the default: labels agree on >= 99% of paragraphs
and dev macro-F1 moves by <= 0.01."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe_machine  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    print(describe_machine(), flush=True)
    from standpunt.models.config import load_config
    from standpunt.models.metrics import classification_metrics
    from standpunt.models.onnx_backend import OnnxStanceModel
    from standpunt.pipelines.core.corpus import read_records, split_letters

    config = load_config(ROOT / "configs" / "default.yaml")
    records = read_records(ROOT / "data" / "corpus" / "real.jsonl")
    _, dev = split_letters(records, config.data.dev_fraction, config.data.split_seed)
    sets = {"dev": dev, "all real": records}
    fp32 = OnnxStanceModel(ROOT / "models" / "default", quantize="none")
    int8 = OnnxStanceModel(ROOT / "models" / "default", quantize="int8")
    results = {}
    for name, chosen in sets.items():
        texts = [" ".join(p["text"].split()) for r in chosen for p in r["paragraphs"]]
        gold = [p["label"] for r in chosen for p in r["paragraphs"]]
        timings = {}
        predictions = {}
        for label, model in (("fp32", fp32), ("int8", int8)):
            started = time.perf_counter()
            predictions[label] = model.predict(texts).labels
            timings[label] = len(texts) / (time.perf_counter() - started)
        agreement = sum(a == b for a, b in zip(predictions["fp32"], predictions["int8"])) / len(texts)
        f1 = {k: classification_metrics(gold, v)["macro_f1"] for k, v in predictions.items()}
        results[name] = {
            "paragraphs": len(texts),
            "agreement": round(agreement, 4),
            "macro_f1_fp32": round(f1["fp32"], 4),
            "macro_f1_int8": round(f1["int8"], 4),
            "delta_macro_f1": round(f1["int8"] - f1["fp32"], 4),
            "fp32_per_s": round(timings["fp32"], 1),
            "int8_per_s": round(timings["int8"], 1),
        }
        ok = agreement >= 0.99 and abs(f1["int8"] - f1["fp32"]) <= 0.01
        print(
            f"{name}: {len(texts)} paragraphs, int8 agrees with fp32 on {agreement:.1%}, "
            f"macro-F1 {f1['fp32']:.3f} -> {f1['int8']:.3f} "
            f"({'keeps' if ok else 'does NOT keep'} quality); "
            f"{timings['fp32']:.1f} vs {timings['int8']:.1f} paragraphs/s"
        )
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
