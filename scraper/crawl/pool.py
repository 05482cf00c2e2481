"""Where the CPU work of a crawl runs: worker processes beside the event loop, or inline.

Processes, not threads: parsing and cleaning hold the GIL. Each worker talks to the
event loop over its own pipe: the loop writes a job (pickled function + arguments)
and reads the answer when the pipe is readable (`loop.add_reader`), so the
crawler process runs no helper threads. (concurrent.futures.ProcessPoolExecutor
runs two, whose GIL hand-offs and wake-up pipe writes cost the event loop about a
millisecond per page in the crawl benchmark.) A worker holds at most two jobs, so a
job's bytes never wait long in a full pipe. Workers come from a forkserver that has
already imported the cleaning code: quick to start, and safe with the threads a
test server or a library may have started, unlike a bare fork. A worker that dies
fails its jobs with `BrokenProcessPool` and is replaced. `workers=0` runs the work
in the calling process (tests, tiny crawls).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import pickle
import signal
from collections import deque
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import Connection
from typing import Any, Callable

PRELOAD = ["scraper.crawl.work"]
MAX_JOBS_PER_WORKER = 2


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def _context() -> multiprocessing.context.BaseContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        return ctx
    return multiprocessing.get_context("spawn")


def _serve(conn: Connection) -> None:
    """A worker: answer jobs until the pipe closes.

    Ctrl-C and SIGTERM reach the whole process group (a terminal, `systemctl stop`);
    the crawler process turns them into a clean stop and closes the pipes, so a
    worker ignores them (no KeyboardInterrupt traceback, no page failed by the stop).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    while True:
        try:
            job_id, fn, args = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):
            return
        try:
            answer = (job_id, True, fn(*args))
        except BaseException as exc:  # noqa: BLE001 - sent back and raised in the caller
            answer = (job_id, False, exc)
        try:
            conn.send_bytes(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:  # the crawler stopped and closed the pipe while this job ran
            return


class _Worker:
    def __init__(self, ctx: multiprocessing.context.BaseContext):
        self.conn, child = ctx.Pipe(duplex=True)
        self.process = ctx.Process(target=_serve, args=(child,), daemon=True, name="scraper-clean")
        self.process.start()
        child.close()
        self.jobs: dict[int, asyncio.Future] = {}


class WorkerPool:
    """`with WorkerPool(n) as pool: await pool.run(fn, *args)`; n=None: one per core."""

    def __init__(self, workers: int | None = None):
        self.workers = default_workers() if workers is None else workers
        self._ctx = _context() if self.workers > 0 else None
        self._pool: list[_Worker] = []
        self._waiting: deque[tuple[bytes, int, asyncio.Future]] = deque()
        self._next_id = 0
        self._loop: asyncio.AbstractEventLoop | None = None

    def __enter__(self) -> "WorkerPool":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _start(self) -> None:
        self._loop = asyncio.get_running_loop()
        while len(self._pool) < self.workers:
            worker = _Worker(self._ctx)
            self._loop.add_reader(worker.conn.fileno(), self._on_answer, worker)
            self._pool.append(worker)

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        if self.workers == 0:
            return fn(*args)
        if not self._pool:
            self._start()
        self._next_id += 1
        future = asyncio.get_running_loop().create_future()
        self._waiting.append((pickle.dumps((self._next_id, fn, args), protocol=pickle.HIGHEST_PROTOCOL),
                              self._next_id, future))
        self._dispatch()
        return await future

    def _dispatch(self) -> None:
        while self._waiting:
            worker = min(self._pool, key=lambda w: len(w.jobs))
            if len(worker.jobs) >= MAX_JOBS_PER_WORKER:
                return
            payload, job_id, future = self._waiting.popleft()
            if future.cancelled():
                continue
            try:
                worker.conn.send_bytes(payload)
            except OSError:
                future.set_exception(BrokenProcessPool("a cleaning worker is gone"))
                self._replace(worker)
                continue
            worker.jobs[job_id] = future

    def _on_answer(self, worker: _Worker) -> None:
        try:
            job_id, ok, value = pickle.loads(worker.conn.recv_bytes())
        except (EOFError, OSError):
            self._replace(worker)
        else:
            future = worker.jobs.pop(job_id, None)
            if future is not None and not future.done():
                future.set_result(value) if ok else future.set_exception(value)
        self._dispatch()

    def _replace(self, worker: _Worker) -> None:
        """A worker died (a crash in a C library): fail its jobs, start another."""
        for future in worker.jobs.values():
            if not future.done():
                future.set_exception(BrokenProcessPool(f"cleaning worker {worker.process.pid} died"))
        self._retire(worker)
        self._pool.remove(worker)
        self._start()

    def _retire(self, worker: _Worker) -> None:
        if self._loop is not None and not self._loop.is_closed():
            self._loop.remove_reader(worker.conn.fileno())
        worker.conn.close()
        worker.process.join(timeout=5)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join(timeout=5)

    def close(self) -> None:
        for future in [f for w in self._pool for f in w.jobs.values()] + [f for _, _, f in self._waiting]:
            future.cancel()
        self._waiting.clear()
        for worker in self._pool:
            self._retire(worker)
        self._pool.clear()
