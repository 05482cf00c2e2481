"""Where the CPU work of a crawl runs: a process pool beside the event loop, or inline.

Processes, not threads: parsing and cleaning hold the GIL. Workers come from a
forkserver that has already imported the cleaning code (fast to start, and safe
with the threads an event loop or a test server may have, unlike a bare fork).
`workers=0` runs the work in the calling process (tests, tiny crawls).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from typing import Any, Callable

PRELOAD = ["scraper.crawl.work"]


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def _context() -> multiprocessing.context.BaseContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        return ctx
    return multiprocessing.get_context("spawn")


class WorkerPool:
    """`with WorkerPool(n) as pool: await pool.run(fn, *args)`; n=None: one per core."""

    def __init__(self, workers: int | None = None):
        self.workers = default_workers() if workers is None else workers
        self._executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> "WorkerPool":
        self.restart()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def restart(self) -> None:
        """(Re)create the pool, e.g. after a worker died (BrokenProcessPool)."""
        self.close()
        if self.workers > 0:
            self._executor = ProcessPoolExecutor(self.workers, mp_context=_context())

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        if self._executor is None:
            return fn(*args)
        return await asyncio.get_running_loop().run_in_executor(self._executor, partial(fn, *args))
