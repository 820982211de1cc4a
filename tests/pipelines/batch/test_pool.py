"""The reader pool when a worker dies between two letters."""

from __future__ import annotations

import time

from standpunt.pipelines.batch.pool import ReaderPool
from tests.conftest import EXAMPLES


def test_a_pool_broken_before_the_next_submit_costs_no_letter():
    # Under load a worker can die (killed, out of memory) after the last result and before the
    # next letter is submitted; submit then raises BrokenProcessPool itself, which ended the run.
    letter = next(p for p in sorted(EXAMPLES.iterdir()) if p.suffix == ".txt")
    pool = ReaderPool(1, 20 * 1024 * 1024, letter_timeout_s=60)
    try:
        pool._ready_wait()
        for process in list(pool._executor._processes.values()):
            process.kill()
        deadline = time.monotonic() + 20
        while not pool._executor._broken and time.monotonic() < deadline:
            time.sleep(0.05)
        assert pool._executor._broken
        [record] = list(pool.results([(str(letter), letter.stem)]))
        assert record["status"] == "ok" and record["letter"] == letter.stem
        assert pool.restarts == 1
    finally:
        pool.terminate()
