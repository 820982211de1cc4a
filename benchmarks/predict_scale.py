"""Throughput and peak memory of `standpunt predict` on archives made by
repeating the example letters under new names, or of distinct real letters.

    python benchmarks/predict_scale.py [--sizes 100 1000] [--model DIR] [--archive examples|corpus]

`examples` (default) repeats the six example letters (five .txt, a 2-page
PDF); `corpus` writes the raw text of the first N real corpus letters as
.txt files (at most 346), every letter distinct, as in a real archive:
nothing repeats, so no sentence is scored twice for evidence.

Each size runs in its own process (model load and worker start-up included);
peak memory is the largest resident set of that process or any of its
workers. Flat memory means the 1,000-letter peak is no larger than the
100-letter one."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe_machine  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "data" / "examples"


def archive_sources(size: int) -> list[Path]:
    """The example letter behind each of the archive's `size` letters, in order."""
    letters = sorted(p for p in EXAMPLES.iterdir() if p.suffix in (".txt", ".pdf"))
    return [letters[i % len(letters)] for i in range(size)]


def corpus_letters(size: int) -> list[str]:
    """The raw text of the first `size` real corpus letters (as gathered:
    letterhead, furniture and all)."""
    from standpunt.models.config import real_corpus_files

    texts = []
    for path in real_corpus_files():
        for line in path.read_text(encoding="utf-8").splitlines():
            texts.append(json.loads(line)["text"])
    if size > len(texts):
        raise SystemExit(f"--archive corpus holds {len(texts)} distinct letters, not {size}")
    return texts[:size]


def make_archive(folder: Path, size: int, kind: str = "examples") -> None:
    folder.mkdir(parents=True)
    if kind == "corpus":
        for i, text in enumerate(corpus_letters(size)):
            (folder / f"letter_{i:05d}.txt").write_text(text, encoding="utf-8")
        return
    for i, source in enumerate(archive_sources(size)):
        shutil.copy(source, folder / f"letter_{i:05d}{source.suffix}")


def run(size: int, model: str | None, kind: str = "examples") -> dict:
    """One `standpunt predict` process over `size` letters: rates, cold start
    (process start to the first paragraph written), the first letter done
    (its letters.jsonl line, after its evidence sentences) and peak memory."""
    with tempfile.TemporaryDirectory() as tmp:
        archive, out = Path(tmp) / "archive", Path(tmp) / "out"
        make_archive(archive, size, kind)
        command = [
            sys.executable,
            "-c",
            "import sys, resource; from standpunt.pipelines.cli import main; code = main(sys.argv[1:]); "
            "print('PEAK_KB', max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "
            "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)); sys.exit(code)",
            "predict",
            str(archive),
            "--out",
            str(out),
            "--no-progress",
        ] + (["--model", model] if model else [])
        started = time.perf_counter()
        errors = (Path(tmp) / "stderr.log").open(
            "w+"
        )  # a file, not a pipe: failed letters cannot fill it and stall the run
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            env=dict(os.environ, HF_HUB_OFFLINE="1"),
        )
        first = first_letter = None
        paragraphs_file, letters_file = out / "paragraphs.jsonl", out / "letters.jsonl"
        while process.poll() is None:
            if first is None and paragraphs_file.exists() and paragraphs_file.stat().st_size:
                first = time.perf_counter() - started
            if first_letter is None and letters_file.exists() and letters_file.stat().st_size:
                first_letter = time.perf_counter() - started
            time.sleep(0.02)
        seconds = time.perf_counter() - started
        stdout, _ = process.communicate()
        errors.seek(0)
        if process.returncode:
            raise SystemExit(errors.read()[-2000:])
        errors.close()
        peak_kb = int(next(line.split()[1] for line in stdout.splitlines() if line.startswith("PEAK_KB")))
        paragraphs = sum(1 for _ in paragraphs_file.open())
    return {
        "archive": kind,
        "letters": size,
        "paragraphs": paragraphs,
        "seconds": round(seconds, 1),
        "letters_per_s": round(size / seconds, 2),
        "paragraphs_per_s": round(paragraphs / seconds, 1),
        "cold_start_s": round(first or seconds, 1),
        "first_letter_s": round(first_letter or seconds, 1),
        "peak_mb": round(peak_kb / 1024),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--model")
    parser.add_argument("--archive", choices=("examples", "corpus"), default="examples")
    args = parser.parse_args()
    print(describe_machine(), flush=True)
    rows = [run(size, args.model, args.archive) for size in args.sizes]
    print(
        f"{'letters':>8} {'paragraphs':>10} {'seconds':>8} {'letters/s':>9} {'paragraphs/s':>12} {'peak MB':>8} "
        f"{'first paragraph s':>17} {'first letter s':>14}"
    )
    for r in rows:
        print(
            f"{r['letters']:>8} {r['paragraphs']:>10} {r['seconds']:>8} "
            f"{r['letters_per_s']:>9} {r['paragraphs_per_s']:>12} {r['peak_mb']:>8} "
            f"{r['cold_start_s']:>17} {r['first_letter_s']:>14}"
        )
    if len(rows) > 1:
        print(
            f"peak memory ratio {rows[-1]['letters']} vs {rows[0]['letters']} letters: "
            f"{rows[-1]['peak_mb'] / rows[0]['peak_mb']:.2f}"
        )
    print(json.dumps(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
