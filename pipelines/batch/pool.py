"""Reader processes that cannot hang a run.

A worker that dies outright (out of memory, a segfault in a PDF library)
breaks a multiprocessing pool, and `Pool.get()` then waits forever. Here
every letter is a future of a ProcessPoolExecutor: a dead worker shows up as
BrokenProcessPool, a stuck one as a letter still unread after
`letter_timeout_s`. Either way the pool is replaced and the run goes on.

Which letter killed the pool is not known from the error alone (several are
in flight), so the letters that were in flight are read again one at a time
in a fresh pool: the one that breaks it alone is recorded as `error` with
reason `worker-crashed`; the others come back as usual."""

from __future__ import annotations

import os
import signal
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures import wait as wait_futures
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from pathlib import Path

from standpunt.pipelines.batch.reading import read_and_segment

# Test hook: a worker asked to read a file of this name kills itself
# (SIGKILL, as the kernel's OOM killer would), so tests can break the pool.
KILL_HOOK_ENV = "STANDPUNT_TEST_KILL_WORKER_ON"
HANG_HOOK_ENV = "STANDPUNT_TEST_HANG_WORKER_ON"


def _read(job: tuple[str, str, int]) -> dict:
    name = Path(job[0]).name
    if os.environ.get(KILL_HOOK_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)
    if os.environ.get(HANG_HOOK_ENV) == name:
        signal.pause()
    return read_and_segment(job)


def _warm() -> int:
    """Runs once per worker: unpickling it imports this module and the
    readers, so a letter's time limit does not include a worker's start."""
    return os.getpid()


def failed_record(source: str, letter: str, reason: str, detail: str) -> dict:
    return {"source": source, "letter": letter, "status": "error", "reason": reason, "error": f"{source}: {detail}"}


class ReaderPool:
    """Reads and segments letters in `workers` processes, yielding one
    record per letter. Started on construction, so the workers import the
    readers while the caller loads the model."""

    def __init__(self, workers: int, max_bytes: int, letter_timeout_s: float, in_flight: int | None = None):
        self.workers = workers
        self.max_bytes = max_bytes
        self.timeout = letter_timeout_s
        self.in_flight = in_flight or workers * 16
        self.restarts = 0
        self._early: dict[tuple[str, str], Future] = {}
        self._executor = self._start()

    def _start(self) -> ProcessPoolExecutor:
        executor = ProcessPoolExecutor(self.workers, mp_context=get_context("spawn"))
        # Spawn the processes now, not at the first letter; the clock of a
        # letter starts once they are up (see _ready_wait).
        self._warming = [executor.submit(_warm) for _ in range(self.workers)]
        return executor

    def _ready_wait(self) -> None:
        if self._warming:
            wait_futures(self._warming)
            self._warming = []

    def _submit(self, job: tuple[str, str]) -> Future:
        source, letter = job
        try:
            return self._executor.submit(_read, (source, letter, self.max_bytes))
        except BrokenProcessPool as exc:
            # A worker died reading a letter in flight since the last result, and the pool
            # noticed before this submit: a future that fails the same way sends this letter
            # down the crash path with the others (read alone in a new pool), not the run.
            broken: Future = Future()
            broken.set_exception(exc)
            return broken

    def read_ahead(self, job: tuple[str, str]) -> None:
        """Start reading one letter before `results` is asked for it, so the
        first letter is read while the caller loads the model instead of
        after (cold start). `results` takes that record when the letter's turn
        comes; a letter never asked for is dropped with the pool."""
        self._early[job] = self._submit(job)

    def _restart(self) -> None:
        """Kill what is left of the pool (a stuck worker never returns) and start a new one."""
        self._early.clear()  # their futures die with the old pool
        self.terminate()
        self._executor = self._start()
        self.restarts += 1

    def _alone(self, job: tuple[str, str]) -> dict:
        """Read one letter with nothing else in flight: if the pool breaks now, this letter did it."""
        future = self._submit(job)
        self._ready_wait()
        try:
            return future.result(timeout=self.timeout)
        except BrokenProcessPool:
            self._restart()
            return failed_record(
                *job, "worker-crashed", "the process reading this letter died (out of memory or a crash in a reader)"
            )
        except FutureTimeout:
            self._restart()
            return failed_record(*job, "timeout", f"reading took longer than {self.timeout:g} s (letter_timeout_s)")

    def results(self, letters: Iterable[tuple[str, str]]) -> Iterator[dict]:
        """One record per (source, letter id), in order except after a crash.

        The first letter is read alone and nothing more is read until the
        caller asks for the second: on a 2-core machine, readers working ahead
        took the cores from the first letter's classification (it took 2.1 s
        instead of 0.9 s), and that first result is what a user waits for."""
        jobs = iter(letters)
        pending: deque[tuple[tuple[str, str], Future]] = deque()
        limit = 1

        def fill() -> None:
            while len(pending) < limit:
                job = next(jobs, None)
                if job is None:
                    return
                early = self._early.pop(job, None)
                pending.append((job, early or self._submit(job)))

        fill()
        while pending:
            job, future = pending.popleft()
            self._ready_wait()
            try:
                result = future.result(timeout=self.timeout)
            except FutureTimeout:
                # Letters queued behind it lose their futures with the pool; they are read again.
                rest = [s for s, _ in pending]
                pending.clear()
                self._restart()
                yield failed_record(*job, "timeout", f"reading took longer than {self.timeout:g} s (letter_timeout_s)")
                limit = self.in_flight
                for s in rest:
                    pending.append((s, self._submit(s)))
                fill()
                continue
            except BrokenProcessPool:
                wait_futures([f for _, f in pending], timeout=10)
                finished = [(s, f) for s, f in pending if f.done() and not f.cancelled() and f.exception() is None]
                suspects = [job] + [s for s, f in pending if (s, f) not in finished]
                pending.clear()
                self._restart()
                for _, f in finished:
                    yield f.result()
                for s in suspects:
                    yield self._alone(s)
                limit = self.in_flight
                fill()
                continue
            yield result
            limit = self.in_flight
            fill()

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    def terminate(self) -> None:
        for process in list((getattr(self._executor, "_processes", None) or {}).values()):
            try:
                process.kill()
            except (OSError, AttributeError):
                pass
        self._executor.shutdown(wait=False, cancel_futures=True)
