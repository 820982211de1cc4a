"""How much of a paragraph must the transformer read? For each read_tokens
value, the combination's quality on the real letters the transformer never
saw (stacker cross-fitted by letter, exactly as `standpunt combine` measures
it) and the share of tokens the encoder still runs.

    python benchmarks/read_tokens.py [--model models/default] [--values 0 64 80 96 128]

0 means the whole paragraph (overlapping windows). Nothing is written: the
chosen value goes into the model folder's config.json by hand, followed by
`standpunt combine` on that folder."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe_machine  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(ROOT / "models" / "default"))
    parser.add_argument("--values", type=int, nargs="+", default=[0, 64, 80, 96, 128])
    parser.add_argument("--config", default=str(ROOT / "configs" / "default.yaml"))
    args = parser.parse_args()
    print(describe_machine(), flush=True)
    from standpunt.models.combination import fit_combination
    from standpunt.models.onnx_backend import OnnxStanceModel
    from standpunt.models.unseen_scores import UnseenTransformer
    from standpunt.pipelines.combine_command import EDIT_FILES, combination_inputs, held_out_interval

    real, extra, trained, _ = combination_inputs(args.config, Path(args.model) / "metrics.json", EDIT_FILES)
    model = OnnxStanceModel(args.model)
    held = [text for text, letter in zip(real.texts, real.letters) if letter not in trained]
    table = []
    for value in args.values:
        model.settings = {**model.settings, "read_tokens": value or None}
        tokens = sum(len(w) for w in model.windows(held).input_ids)
        started = time.perf_counter()
        _, report = fit_combination(UnseenTransformer.held_out(model.predict, trained), real, extra)
        low, high = held_out_interval(report)
        row = {
            "read_tokens": value or "all",
            "tokens": tokens,
            "transformer_macro_f1": round(report["transformer"]["macro_f1"], 3),
            "transformer_pushback_f1": round(report["transformer"]["pushback_f1"], 3),
            "combination_macro_f1": round(report["combination"]["macro_f1"], 3),
            "combination_ci": [round(low, 3), round(high, 3)],
            "combination_pushback_f1": round(report["combination"]["pushback_f1"], 3),
            "seconds": round(time.perf_counter() - started, 1),
        }
        table.append(row)
        print(json.dumps(row), flush=True)
    full = next((r["tokens"] for r in table if r["read_tokens"] == "all"), None)
    print(f"\n{report['heldout_letters']} letters, {report['heldout_paragraphs']} paragraphs the transformer never saw")
    print(
        "| read_tokens | encoder tokens | transformer macro-F1 / pushback | combination macro-F1 (95% CI) / pushback |"
    )
    print("|---|---|---|---|")
    for r in table:
        share = f" ({r['tokens'] / full:.0%})" if full else ""
        print(
            f"| {r['read_tokens']} | {r['tokens']}{share} | {r['transformer_macro_f1']:.3f} / "
            f"{r['transformer_pushback_f1']:.3f} | {r['combination_macro_f1']:.3f} "
            f"({r['combination_ci'][0]:.3f}-{r['combination_ci'][1]:.3f}) / {r['combination_pushback_f1']:.3f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
