"""Wall time of evaluating a model on the real dev letters (target: < 2 minutes on 2 cores).

    python benchmarks/evaluate_time.py [--model M]

Runs `python evaluate.py --data data/corpus/real.jsonl --split dev` in a
subprocess (process start, model load, bootstrap, end-to-end pass and the
three baselines included) without logging to MLflow."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe_machine  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="default: the champion, or the shipped model where no registry exists")
    args = parser.parse_args()
    print(describe_machine(), flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        command = [
            sys.executable,
            str(ROOT / "evaluate.py"),
            "--data",
            str(ROOT / "data/corpus/real.jsonl"),
            "--split",
            "dev",
            "--out",
            tmp,
            "--no-mlflow",
        ] + (["--model", args.model] if args.model else [])
        started = time.perf_counter()
        result = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, env=dict(os.environ, HF_HUB_OFFLINE="1")
        )
        seconds = time.perf_counter() - started
    if result.returncode:
        print(result.stderr[-2000:], file=sys.stderr)
        return result.returncode
    print(result.stdout.strip())
    print(
        f"\nevaluate.py wall time: {seconds:.1f} s on {os.cpu_count()} cores"
        f" ({seconds / 120:.2f} of the 2-minute target)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
