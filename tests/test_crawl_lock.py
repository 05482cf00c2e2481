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
from scraper.errors import CrawlLockedError, StoreError

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


@pytest.mark.parametrize("alias", ["link.db", "sub/../s.db", "./s.db", "relative"])
def test_the_lock_belongs_to_the_file_not_to_the_name(tmp_path, monkeypatch, alias):
    db = tmp_path / "s.db"
    db.write_bytes(b"")
    (tmp_path / "sub").mkdir()
    (tmp_path / "link.db").symlink_to(db)
    monkeypatch.chdir(tmp_path)
    other = "s.db" if alias == "relative" else alias
    with RunLock(db):
        with pytest.raises(CrawlLockedError, match=f"pid {os.getpid()}"):
            RunLock(other).acquire()
    assert lock_path(other) == lock_path(db) == tmp_path / "s.db.lock"
    assert not (tmp_path / "link.db.lock").exists()


def test_a_symlink_in_the_directory_path_is_resolved_too(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "alias").symlink_to(tmp_path / "real", target_is_directory=True)
    with RunLock(tmp_path / "real" / "s.db"):
        with pytest.raises(CrawlLockedError):
            RunLock(tmp_path / "alias" / "s.db").acquire()


def test_a_lock_file_that_cannot_be_created_is_a_store_error(tmp_path):
    (tmp_path / "file").write_text("not a directory")
    with pytest.raises(StoreError, match=r"cannot create the lock file .*file/s\.db\.lock: Not a directory"):
        RunLock(tmp_path / "file" / "s.db").acquire()
