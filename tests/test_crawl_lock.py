"""scraper.crawl.lock: one run per store; released when the holder dies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scraper.crawl.lock import RunLock, holder_pid, lock_path
from scraper.errors import CrawlLockedError

ROOT = Path(__file__).resolve().parents[1]


def test_second_lock_is_refused_and_names_the_pid(tmp_path):
    db = tmp_path / "store" / "scraper.db"
    with RunLock(db) as first:
        assert first.held and lock_path(db).exists()
        assert holder_pid(db) == os.getpid()
        with pytest.raises(CrawlLockedError, match=rf"another crawl is running on this store \(pid {os.getpid()}"):
            RunLock(db).acquire()
    assert not first.held
    with RunLock(db):  # free again
        pass


def test_lock_is_released_when_the_holder_is_killed(tmp_path):
    db = tmp_path / "scraper.db"
    code = ("import sys, time; from scraper.crawl.lock import RunLock; "
            "RunLock(sys.argv[1]).acquire(); print('locked', flush=True); time.sleep(60)")
    proc = subprocess.Popen([sys.executable, "-c", code, str(db)], stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert proc.stdout.readline().strip() == "locked"
        with pytest.raises(CrawlLockedError, match=f"pid {proc.pid}"):
            RunLock(db).acquire()
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    deadline = time.monotonic() + 5
    while True:
        try:
            lock = RunLock(db).acquire()
            break
        except CrawlLockedError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    lock.release()


def test_acquire_twice_on_one_object_is_harmless(tmp_path):
    lock = RunLock(tmp_path / "db")
    assert lock.acquire() is lock.acquire()
    lock.release()
    lock.release()
