"""The crawl's worker pool: jobs run in other processes, exceptions come back, a worker
that dies fails only its jobs and is replaced, and workers=0 runs inline."""

from __future__ import annotations

import asyncio
import os
from concurrent.futures.process import BrokenProcessPool

import pytest

from scraper.crawl.pool import TooSlowError, WorkerPool, cpu_seconds


def _pid(_: int) -> int:
    return os.getpid()


def _boom(message: str) -> None:
    raise ValueError(message)


def _die(_: int) -> None:
    os._exit(3)


def test_jobs_run_in_workers_and_errors_come_back():
    async def main():
        with WorkerPool(2) as pool:
            pids = await asyncio.gather(*(pool.run(_pid, i) for i in range(20)))
            with pytest.raises(ValueError, match="bad page"):
                await pool.run(_boom, "bad page")
            return set(pids)

    pids = asyncio.run(main())
    assert os.getpid() not in pids and 1 <= len(pids) <= 2


def test_a_dead_worker_fails_its_job_and_is_replaced():
    async def main():
        with WorkerPool(1) as pool:
            first = await pool.run(_pid, 0)
            with pytest.raises(BrokenProcessPool):
                await pool.run(_die, 0)
            return first, await pool.run(_pid, 0)

    before, after = asyncio.run(main())
    assert before != after


def test_zero_workers_runs_inline():
    assert asyncio.run(WorkerPool(0).run(_pid, 0)) == os.getpid()


def _spin(_: int) -> None:
    while True:  # CPU-bound for ever, like lxml on a hostile page
        pass


def _nap(seconds: float) -> int:
    import time

    time.sleep(seconds)
    return os.getpid()


def test_a_job_over_its_cpu_limit_is_stopped_and_the_job_behind_it_still_runs():
    async def main():
        with WorkerPool(1, cpu_limit=0.5) as pool:
            first = await pool.run(_pid, 0)
            slow = asyncio.ensure_future(pool.run(_spin, 0))
            behind = asyncio.ensure_future(pool.run(_pid, 1))  # queued in the same worker's pipe
            with pytest.raises(TooSlowError, match="0.5 s CPU limit"):
                await slow
            return first, await behind, await pool.run(_pid, 2)

    first, behind, after = asyncio.run(main())
    assert first != behind == after  # a new worker took over, and it served the waiting job


def test_the_limit_counts_cpu_not_waiting():
    async def main():
        with WorkerPool(1, cpu_limit=1.0) as pool:
            return await pool.run(_nap, 2.0)  # 2 s asleep uses no CPU: within the limit

    assert asyncio.run(main()) != os.getpid()


def test_a_job_stuck_without_cpu_stops_at_the_wall_limit(monkeypatch):
    from scraper.crawl import pool as pool_module

    monkeypatch.setattr(pool_module, "WALL_MIN", 0.0)  # (30 s by default: a loaded machine never fails good pages)

    async def main():
        with WorkerPool(1, cpu_limit=0.2) as pool:
            with pytest.raises(TooSlowError, match="0.2 s CPU limit"):
                await pool.run(_nap, 60.0)  # asleep: no CPU, stopped at 5 x 0.2 s of wall time
            return await pool.run(_pid, 1)

    assert asyncio.run(main()) != os.getpid()


def test_a_short_cpu_limit_still_gives_a_page_the_minimum_wall_time():
    async def main():
        with WorkerPool(1, cpu_limit=0.2) as pool:
            return await pool.run(_nap, 1.5)  # 1.5 s of wall time > 5 x 0.2 s, < WALL_MIN: not stopped

    assert asyncio.run(main()) != os.getpid()


def test_cpu_seconds_reads_this_process():
    spent = cpu_seconds(os.getpid())
    assert spent is None or spent > 0
