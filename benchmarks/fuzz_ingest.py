"""Fuzz ingestion + segmentation at scale: generated hostile files (see
tests/pipelines/ingest/fuzz_files.py) through the batch workers' own
function, read_and_segment, each in a worker process watched by the main
one. Prints how many ended ok, how many in each error reason, how many
crashed (an exception, reported by the worker as reason `internal`, or a
dead worker process) and how many hung (over --hang-s), and the CPU model.

    python benchmarks/fuzz_ingest.py [--files 10000] [--seed 0] [--workers 2] [--hang-s 60]
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter, defaultdict
from multiprocessing.connection import wait
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from machine import describe_machine  # noqa: E402

MAX_BYTES = 20 * 1024 * 1024


def worker(conn) -> None:
    from standpunt.pipelines.batch.reading import read_and_segment

    while True:
        job = conn.recv()
        if job is None:
            return
        path, name = job
        started = time.perf_counter()
        result = read_and_segment((path, name, MAX_BYTES))
        outcome = "ok" if result["status"] == "ok" else result["reason"]
        conn.send((outcome, time.perf_counter() - started, result.get("error", "")))


class Slot:
    """One worker process and the file it is on."""

    def __init__(self, context) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=worker, args=(child,), daemon=True)
        self.process.start()
        child.close()
        self.job: tuple | None = None  # (index, generator, path, started)

    def kill(self) -> None:
        self.process.kill()
        self.process.join()
        self.conn.close()


def main(argv: list[str] | None = None) -> int:
    from tests.pipelines.ingest.fuzz_files import GENERATORS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--hang-s", type=float, default=60.0, help="a file still being read after this long counts as a hang"
    )
    args = parser.parse_args(argv)
    print(describe_machine(), file=sys.stderr, flush=True)

    # Stopped with kill, still stop the workers and remove the files.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    rng = random.Random(args.seed)
    names = sorted(GENERATORS)
    context = multiprocessing.get_context("spawn")
    folder = Path(tempfile.mkdtemp(prefix="standpunt-fuzz-"))
    outcomes: Counter = Counter()
    by_generator: dict[str, Counter] = defaultdict(Counter)
    crashes: list[str] = []
    slowest = (0.0, "")
    total_bytes = 0
    started = time.perf_counter()
    slots = [Slot(context) for _ in range(args.workers)]
    next_index = 0
    done = reported = 0

    def record(slot: Slot, outcome: str, seconds: float, detail: str) -> None:
        nonlocal done, slowest
        index, generator, path, _ = slot.job
        by_generator[generator][outcome] += 1
        outcomes[outcome] += 1
        if outcome in ("crash", "hang", "internal"):
            crashes.append(
                f"{generator} {Path(path).name} ({Path(path).stat().st_size:,} bytes): {outcome} {detail}"[:300]
            )
            print(f"  ! {crashes[-1]}", file=sys.stderr, flush=True)
        if seconds > slowest[0]:
            slowest = (seconds, f"{generator} {Path(path).name} ({Path(path).stat().st_size:,} bytes)")
        Path(path).unlink(missing_ok=True)
        slot.job = None
        done += 1

    try:
        while done < args.files:
            for slot in slots:
                if slot.job is None and next_index < args.files:
                    generator = names[rng.randrange(len(names))]
                    name, data = GENERATORS[generator](rng)
                    path = folder / f"{next_index:05d}-{name}"
                    path.write_bytes(data)
                    total_bytes += len(data)
                    slot.job = (next_index, generator, str(path), time.perf_counter())
                    slot.conn.send((str(path), name))
                    next_index += 1
            busy = [slot for slot in slots if slot.job is not None]
            ready = wait([slot.conn for slot in busy], timeout=1.0)
            for i, slot in enumerate(slots):
                if slot.job is None:
                    continue
                elapsed = time.perf_counter() - slot.job[3]
                if slot.conn in ready:
                    try:
                        outcome, seconds, detail = slot.conn.recv()
                    except (EOFError, OSError):
                        record(slot, "crash", elapsed, f"worker died (exit code {slot.process.exitcode})")
                        slot.kill()
                        slots[i] = Slot(context)
                        continue
                    record(slot, "internal" if outcome == "internal" else outcome, seconds, detail)
                elif elapsed > args.hang_s:
                    record(slot, "hang", elapsed, f"still reading after {elapsed:.0f} s")
                    slot.kill()
                    slots[i] = Slot(context)
            if done >= reported + 500:
                reported = done - done % 500
                print(f"  {done} files, {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    finally:
        for slot in slots:
            if slot.process.is_alive():
                try:
                    slot.conn.send(None)
                except OSError:
                    pass
            slot.process.join(timeout=5)
            if slot.process.is_alive():
                slot.kill()
        shutil.rmtree(folder, ignore_errors=True)

    seconds = time.perf_counter() - started
    crashed = outcomes["crash"] + outcomes["internal"]
    print(f"{describe_machine()}; {args.workers} workers, seed {args.seed}")
    print(
        f"{done:,} files ({total_bytes / 1e6:.0f} MB) in {seconds:.0f} s ({done / seconds:.1f} files/s); "
        f"slowest {slowest[0]:.2f} s: {slowest[1]}"
    )
    print(f"ok: {outcomes['ok']:,}")
    for reason, count in sorted(outcomes.items(), key=lambda item: (-item[1], item[0])):
        if reason not in ("ok", "crash", "internal", "hang"):
            print(f"error {reason}: {count:,}")
    print(f"crashes: {crashed} (exceptions {outcomes['internal']}, dead workers {outcomes['crash']})")
    print(f"hangs (over {args.hang_s:.0f} s): {outcomes['hang']}")
    print("by generator:")
    for generator in names:
        row = by_generator[generator]
        print(
            f"  {generator:16s} {sum(row.values()):5d}  "
            + ", ".join(f"{k} {v}" for k, v in sorted(row.items(), key=lambda item: -item[1]))
        )
    for line in crashes[:20]:
        print(f"  ! {line}")
    return 1 if crashed or outcomes["hang"] else 0


if __name__ == "__main__":
    sys.exit(main())
