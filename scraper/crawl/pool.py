"""Where the CPU work of a crawl runs: worker processes beside the event loop, or inline.

Processes, not threads: parsing and cleaning hold the GIL. Each worker talks to the
event loop over its own pipe: the loop writes a job (pickled function + arguments)
and reads the answer when the pipe is readable (`loop.add_reader`), so the
crawler process runs no helper threads. (concurrent.futures.ProcessPoolExecutor
runs two, whose GIL hand-offs and wake-up pipe writes cost the event loop about a
millisecond per page in the crawl benchmark.) A worker holds at most two jobs, so a
job's bytes never wait long in a full pipe. Workers come from a forkserver that has
already imported the cleaning code: quick to start, and safe with the threads a
test server or a library may have started, unlike a bare fork.

Every job has a deadline in CPU seconds (`cpu_limit`): a page that sends lxml into
superlinear work would otherwise hold its worker, and the run, for ever. Only a
process can be stopped in the middle of C code, so the worker is killed: its job
fails with `TooSlowError`, the job queued behind it goes to another worker, and a
new worker takes its place. CPU time (read from /proc) rather than wall time, so a
loaded machine does not fail pages; a job also stops at `WALL_FACTOR` times the
limit in wall time, and never before `WALL_MIN` seconds (a worker stuck without using
CPU; on a loaded machine a short limit in wall time would fail good pages). A worker that dies fails its
running job with `BrokenProcessPool` and is replaced the same way. `workers=0` runs
the work in the calling process (tests, tiny crawls): no deadline there.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import pickle
import signal
import threading
from collections import deque
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import Connection
from typing import Any, Callable

PRELOAD = ["scraper.crawl.work"]
MAX_JOBS_PER_WORKER = 2
DEFAULT_CPU_LIMIT = 60.0  # seconds of CPU per job; a normal page takes 20-50 ms
WALL_FACTOR = 5.0
WALL_MIN = 30.0  # seconds of wall time a job may always take, whatever its CPU limit
_MIN_CHECK = 0.05


class TooSlowError(Exception):
    """A job used more than its CPU deadline; its worker was killed and replaced."""


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def _context(fork: bool = False) -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    if fork and "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")  # no thread can hold a lock the child needs
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        return ctx
    return multiprocessing.get_context("spawn")


_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds used so far by process `pid` (Linux /proc), else None."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            fields = fh.read().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / _TICK  # utime, stime (fields 14, 15)


def _serve(conn: Connection, inherited: tuple[int, ...] = ()) -> None:
    """A worker: answer jobs until the pipe closes.

    A forked worker first closes the parent's ends of the pipes it inherited, or
    the parent closing its end would not end this loop. Ctrl-C and SIGTERM reach the
    whole process group (a terminal, `systemctl stop`); the crawler process turns them
    into a clean stop and closes the pipes, so a worker ignores them (no
    KeyboardInterrupt traceback, no page failed by the stop).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    for fd in inherited:
        try:
            os.close(fd)
        except OSError:
            pass
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


class _Job:
    __slots__ = ("id", "payload", "future")

    def __init__(self, job_id: int, payload: bytes, future: asyncio.Future):
        self.id, self.payload, self.future = job_id, payload, future


class _Worker:
    def __init__(self, ctx: multiprocessing.context.BaseContext, others: list["_Worker"]):
        self.conn, child = ctx.Pipe(duplex=True)
        forked = ctx.get_start_method() == "fork"
        inherited = tuple(w.conn.fileno() for w in [*others, self]) if forked else ()
        self.process = ctx.Process(target=_serve, args=(child, inherited), daemon=True, name="scraper-clean")
        self.process.start()
        child.close()
        self.jobs: deque[_Job] = deque()  # the first one is running, the others wait in the pipe
        self.started_cpu: float | None = None
        self.started_wall = 0.0
        self.timer: asyncio.TimerHandle | None = None


class WorkerPool:
    """`with WorkerPool(n) as pool: await pool.run(fn, *args)`; n=None: one per core.

    `cpu_limit`: CPU seconds one job may use before its worker is killed (None: no limit).
    `fork=True` forks workers from this process when it runs no other thread (it has
    already imported the code: `scraper clean` starts in milliseconds instead of a
    second); otherwise, and by default, they come from the preloaded forkserver.
    """

    def __init__(self, workers: int | None = None, *, cpu_limit: float | None = DEFAULT_CPU_LIMIT,
                 fork: bool = False):
        self.workers = default_workers() if workers is None else workers
        self.cpu_limit = cpu_limit
        self._ctx = _context(fork) if self.workers > 0 else None
        self._pool: list[_Worker] = []
        self._waiting: deque[_Job] = deque()
        self._next_id = 0
        self._loop: asyncio.AbstractEventLoop | None = None

    def __enter__(self) -> "WorkerPool":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _start(self) -> None:
        self._loop = asyncio.get_running_loop()
        while len(self._pool) < self.workers:
            worker = _Worker(self._ctx, self._pool)
            self._loop.add_reader(worker.conn.fileno(), self._on_answer, worker)
            self._pool.append(worker)

    async def start(self) -> None:
        """Start the workers now rather than at the first job: a forked worker inherits
        whatever sockets are open when it starts, so start them before opening any."""
        if self.workers > 0 and not self._pool:
            self._start()

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        """fn(*args) in a worker; raises what fn raised, TooSlowError or BrokenProcessPool."""
        if self.workers == 0:
            return fn(*args)
        if not self._pool:
            self._start()
        self._next_id += 1
        future = asyncio.get_running_loop().create_future()
        payload = pickle.dumps((self._next_id, fn, args), protocol=pickle.HIGHEST_PROTOCOL)
        self._waiting.append(_Job(self._next_id, payload, future))
        self._dispatch()
        return await future

    def _dispatch(self) -> None:
        while self._waiting:
            worker = min(self._pool, key=lambda w: len(w.jobs))
            if len(worker.jobs) >= MAX_JOBS_PER_WORKER:
                return
            job = self._waiting.popleft()
            if job.future.done():  # cancelled while it waited
                continue
            try:
                worker.conn.send_bytes(job.payload)
            except OSError:  # the worker is gone: its running job is the likely cause
                self._waiting.appendleft(job)
                self._replace(worker, BrokenProcessPool(f"cleaning worker {worker.process.pid} died"))
                continue
            worker.jobs.append(job)
            if len(worker.jobs) == 1:
                self._arm(worker)

    def _on_answer(self, worker: _Worker) -> None:
        try:
            job_id, ok, value = pickle.loads(worker.conn.recv_bytes())
        except (EOFError, OSError):
            self._replace(worker, BrokenProcessPool(f"cleaning worker {worker.process.pid} died"))
        else:
            job = worker.jobs.popleft() if worker.jobs and worker.jobs[0].id == job_id else None
            if job is not None and not job.future.done():
                job.future.set_result(value) if ok else job.future.set_exception(value)
            self._disarm(worker)
            if worker.jobs:
                self._arm(worker)
        self._dispatch()

    # --- the deadline -------------------------------------------------------------------

    def _arm(self, worker: _Worker) -> None:
        """The worker's first job starts now: check on it when its CPU budget could be spent."""
        if self.cpu_limit is None or self._loop is None:
            return
        worker.started_cpu = cpu_seconds(worker.process.pid)
        worker.started_wall = self._loop.time()
        worker.timer = self._loop.call_later(self.cpu_limit, self._check, worker, worker.jobs[0])

    def _disarm(self, worker: _Worker) -> None:
        if worker.timer is not None:
            worker.timer.cancel()
            worker.timer = None

    def _check(self, worker: _Worker, job: _Job) -> None:
        if worker not in self._pool or not worker.jobs or worker.jobs[0] is not job:
            return
        assert self.cpu_limit is not None and self._loop is not None
        wall = self._loop.time() - worker.started_wall
        now = cpu_seconds(worker.process.pid)
        used = wall if now is None or worker.started_cpu is None else now - worker.started_cpu
        wall_limit = max(self.cpu_limit * WALL_FACTOR, WALL_MIN)
        if used < self.cpu_limit and wall < wall_limit:
            left = min(self.cpu_limit - used, wall_limit - wall)
            worker.timer = self._loop.call_later(max(_MIN_CHECK, left), self._check, worker, job)
            return
        spent = f"{used:.1f} s of CPU" if used >= self.cpu_limit else f"{wall:.0f} s"
        worker.process.kill()
        self._replace(worker, TooSlowError(f"over the {self.cpu_limit:g} s CPU limit per page "
                                           f"({spent}); the cleaning worker was stopped"))
        self._dispatch()

    # --- replacing workers ----------------------------------------------------------------

    def _replace(self, worker: _Worker, error: BaseException) -> None:
        """Fail the worker's running job with `error`, requeue the rest, start another worker."""
        self._disarm(worker)
        jobs = list(worker.jobs)
        worker.jobs.clear()
        if jobs:
            running = jobs.pop(0)
            if not running.future.done():
                running.future.set_exception(error)
        self._waiting.extendleft(reversed(jobs))
        self._retire(worker)
        self._pool.remove(worker)
        self._start()

    def _retire(self, worker: _Worker, busy: bool = False) -> None:
        """Stop a worker: an idle one ends when its pipe closes, a busy one is killed."""
        if self._loop is not None and not self._loop.is_closed():
            self._loop.remove_reader(worker.conn.fileno())
        worker.conn.close()
        if busy and worker.process.is_alive():
            worker.process.kill()
        worker.process.join(timeout=5)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join(timeout=5)

    def close(self) -> None:
        for job in [j for w in self._pool for j in w.jobs] + list(self._waiting):
            job.future.cancel()
        self._waiting.clear()
        for worker in self._pool:
            self._disarm(worker)
            busy = bool(worker.jobs)
            worker.jobs.clear()
            self._retire(worker, busy)
        self._pool.clear()
