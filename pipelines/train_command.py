"""Train the stance model: python train.py --config configs/default.yaml [key=value ...]"""

from __future__ import annotations

import argparse
import os
import sys

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Fine-tune the stance classifier and track it in MLflow.")
    parser.add_argument("--config", default="configs/default.yaml", help="YAML experiment config")
    parser.add_argument(
        "--promote", action="store_true", help="make this model @champion even if it does not beat the current one"
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bars")
    parser.add_argument(
        "overrides", nargs="*", metavar="key=value", help="override single config keys, e.g. train.epochs=2"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    from standpunt.models.config import load_config
    from standpunt.pipelines.core.config_loader import ConfigError

    args = build_parser().parse_args(argv)
    try:
        config = load_config(args.config, args.overrides)
    except ConfigError as exc:
        print(f"train: {exc}", file=sys.stderr)
        return 2
    from standpunt.models.trainer import train
    from standpunt.pipelines.core.errors import StandpuntError

    try:
        train(config, promote=args.promote, progress=not args.no_progress)
    except StandpuntError as exc:
        print(f"train: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
