"""Wall time of the default training run on this machine.

    python benchmarks/train_time.py [--config configs/default.yaml] [key=value ...]

Runs `python train.py` in a subprocess with MLflow pointed at a temporary
SQLite file and the model written to a temporary folder (so the shipped model
and the project's mlflow.db stay untouched), and reports the seconds taken
next to the 15-minute budget of a 2-core machine without GPU."""

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
BUDGET_SECONDS = 15 * 60


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default=str(ROOT / "configs" / "default.yaml"))
    parser.add_argument("overrides", nargs="*")
    args = parser.parse_args()
    print(describe_machine(), flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        command = [
            sys.executable,
            str(ROOT / "train.py"),
            "--config",
            args.config,
            "--no-progress",
            f"tracking.tracking_uri=sqlite:///{tmp}/mlflow.db",
            f"output_dir={tmp}/model",
            *args.overrides,
        ]
        env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
        started = time.perf_counter()
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - started
    if result.returncode != 0:
        print(result.stderr[-3000:], file=sys.stderr)
        return result.returncode
    summary = [line for line in result.stdout.splitlines() if line.strip()]
    print("\n".join(summary[-8:]))
    print(
        f"\ntrain.py wall time: {seconds:.0f} s on {os.cpu_count()} cores "
        f"({seconds / BUDGET_SECONDS:.2f} of the 15-minute budget)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
