"""`standpunt spark-predict` on Spark local[2] against `standpunt predict`
on the same machine, in one run, over the same archive (copies of the
example letters, as predict_scale.py makes them).

    python benchmarks/spark_scale.py [--letters 1000] [--master 'local[2]'] [--batch-letters 500] [--model DIR]

Each command runs in its own process (start-up, JVM and model loads
included). A sampler polls every process of the command's tree (psutil)
and keeps each one's peak resident memory: for Spark, the driver (Python),
the JVM and each Python worker (the executors' side: reading, segmenting,
classifying). The overhead is Spark's seconds over predict's."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe_machine  # noqa: E402
from predict_scale import make_archive  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def role(process: psutil.Process) -> str:
    try:
        command, name = " ".join(process.cmdline()), process.name()
    except psutil.Error:
        return "gone"
    if "pyspark.daemon" in command or "pyspark.worker" in command:
        return "python worker"
    if name == "java":
        return "jvm"
    return "driver" if "standpunt.pipelines.cli" in command else "other"


def run(command: list[str]) -> dict:
    """Run one command; wall seconds and each process's peak RSS in MB by role."""
    peaks: dict[int, tuple[str, float]] = {}
    done = threading.Event()
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, HF_HUB_OFFLINE="1"),
    )

    def sample() -> None:
        root = psutil.Process(process.pid)
        while not done.is_set():
            try:
                tree = [root] + root.children(recursive=True)
            except psutil.Error:
                break
            for child in tree:
                try:
                    rss = child.memory_info().rss / 2**20
                except psutil.Error:
                    continue
                # the role is asked each time: spark-submit's bash script execs into the JVM under the same pid
                name = role(child)
                name = peaks.get(child.pid, (name, 0.0))[0] if name == "gone" else name
                peaks[child.pid] = (name, max(rss, peaks.get(child.pid, ("", 0.0))[1]))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = process.communicate()
    done.set()
    sampler.join()
    seconds = time.perf_counter() - started
    if process.returncode:
        raise SystemExit(stderr[-3000:])
    by_role: dict[str, list[float]] = {}
    for name, peak in peaks.values():
        by_role.setdefault(name, []).append(round(peak))
    return {
        "seconds": round(seconds, 1),
        "peaks_mb": {k: sorted(v, reverse=True) for k, v in by_role.items()},
        "log": stderr,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=1000)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--batch-letters", type=int, default=500)
    parser.add_argument("--model")
    args = parser.parse_args()
    print(describe_machine(), flush=True)
    model = ["--model", args.model] if args.model else []
    cli = [sys.executable, "-m", "standpunt.pipelines.cli"]
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "archive"
        make_archive(archive, args.letters)
        predict = run(cli + ["predict", str(archive), "--out", str(Path(tmp) / "predict"), "--no-progress"] + model)
        spark = run(
            cli
            + [
                "spark-predict",
                str(archive),
                "--out",
                str(Path(tmp) / "spark"),
                "--master",
                args.master,
                "--batch-letters",
                str(args.batch_letters),
            ]
            + model
        )
        manifest = json.loads((Path(tmp) / "spark" / "run.json").read_text())
        predict_manifest = json.loads((Path(tmp) / "predict" / "run.json").read_text())
    paragraphs = manifest["counts"]["paragraphs"]
    assert paragraphs == predict_manifest["counts"]["paragraphs"], "both engines must label the same paragraphs"

    def span(m: dict) -> float:
        import datetime as dt

        return (dt.datetime.fromisoformat(m["finished"]) - dt.datetime.fromisoformat(m["started"])).total_seconds()

    rows = []
    for name, result, m in (("predict", predict, predict_manifest), (f"spark-predict {args.master}", spark, manifest)):
        seconds = result["seconds"]
        rows.append(
            {
                "engine": name,
                "letters": args.letters,
                "paragraphs": paragraphs,
                "seconds": seconds,
                "letters_per_s": round(args.letters / seconds, 2),
                "paragraphs_per_s": round(paragraphs / seconds, 1),
                "run_json_seconds": span(m),
                "peaks_mb": result["peaks_mb"],
            }
        )
    print(
        f"{'engine':<24} {'letters':>7} {'paragraphs':>10} {'seconds':>8} "
        f"{'letters/s':>9} {'paragraphs/s':>12} {'run.json s':>10}"
    )
    for r in rows:
        print(
            f"{r['engine']:<24} {r['letters']:>7} {r['paragraphs']:>10} {r['seconds']:>8} {r['letters_per_s']:>9} "
            f"{r['paragraphs_per_s']:>12} {r['run_json_seconds']:>10}"
        )
    for r in rows:
        print(f"{r['engine']}: peak resident memory per process (MB): {r['peaks_mb']}")
    workers = rows[1]["peaks_mb"].get("python worker", [])
    print(
        f"peak per Python worker (executor side): {max(workers) if workers else 'n/a'} MB"
        f" over {len(workers)} worker processes"
    )
    print(
        f"Spark overhead: {rows[1]['seconds'] / rows[0]['seconds']:.2f}x predict's wall time "
        f"({rows[1]['run_json_seconds'] / rows[0]['run_json_seconds']:.2f}x between run.json's start and finish)"
    )
    print(json.dumps(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
