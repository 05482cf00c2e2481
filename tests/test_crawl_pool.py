"""The crawl's worker pool: jobs run in other processes, exceptions come back, a worker
that dies fails only its jobs and is replaced, and workers=0 runs inline."""

from __future__ import annotations

import asyncio
import os
from concurrent.futures.process import BrokenProcessPool

import pytest

from scraper.crawl.pool import WorkerPool


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
