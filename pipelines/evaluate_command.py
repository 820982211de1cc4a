"""Score a model against annotated replies.

    python evaluate.py [--model M] --data FILE.jsonl [--out DIR] [--split dev] [--unseen-only] [--allow-synthetic]

M: a model folder, a registered model URI (default
models:/<tracking.registered_model>@<tracking.alias> of the --config training
config, in its tracking_uri; the shipped models/default where that registry
holds none) or a baseline (majority, lexicon, tfidf, hybrid)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from standpunt.pipelines.core.paths import ROOT

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Score a stance model against annotated replies.")
    parser.add_argument("--model", help="model folder, models:/ or runs:/ URI, or majority|lexicon|tfidf|hybrid")
    parser.add_argument("--data", required=True, type=Path, help="annotated JSONL in the corpus format")
    parser.add_argument("--out", type=Path, help="write metrics.json, report.md and plots here")
    parser.add_argument(
        "--split", choices=["all", "dev"], default="all", help="dev: only the dev letters of the training split"
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=ROOT / "configs" / "default.yaml",
        help=(
            "training config (--split dev, the baselines' training data, "
            "and its tracking block: registry and default model)"
        ),
    )
    parser.add_argument(
        "--allow-synthetic",
        action="store_true",
        help="score synthetic letters too (every figure is then labelled synthetic)",
    )
    parser.add_argument("--bootstrap", type=int, default=1000, help="bootstrap resamples (letters)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument(
        "--cues", type=Path, nargs="*", help="evidence cues (cues.jsonl format); default: those beside --data"
    )
    parser.add_argument(
        "--unseen-only",
        action="store_true",
        help="leave out the letters the model records training on (metrics.json dataset.train.letter_ids); "
        "without it they are scored and the report warns how many there are",
    )
    parser.add_argument(
        "--against",
        metavar="MODEL",
        help="a second model (folder, URI or baseline name) scored on the same letters: the model minus it, "
        "macro-F1 resampled by letter for both at once",
    )
    parser.add_argument("--no-mlflow", action="store_true", help="do not log an MLflow run")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from standpunt.pipelines.core.config_loader import ConfigError
    from standpunt.pipelines.core.errors import StandpuntError
    from standpunt.pipelines.evaluation.harness import EvaluationOptions, evaluate

    options = EvaluationOptions(
        data=args.data,
        model=args.model,
        out=args.out,
        allow_synthetic=args.allow_synthetic,
        split=args.split,
        config=args.config,
        cues=args.cues,
        resamples=args.bootstrap,
        seed=args.seed,
        log_to_mlflow=not args.no_mlflow,
        unseen_only=args.unseen_only,
        against=args.against,
    )
    try:
        evaluate(options)
    except (StandpuntError, ConfigError) as exc:
        print(f"evaluate: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
