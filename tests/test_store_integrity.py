"""Integrity with real processes: a reader searches while a writer saves, and a writer
killed with SIGKILL in the middle of a batch leaves a consistent store."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scraper.store import Store

ROOT = Path(__file__).resolve().parents[1]

# Saves BATCHES batches of SIZE documents; prints "committed N" after each commit and
# "inside N" halfway through each batch, then sleeps there for PAUSE seconds (only in
# batch PAUSE_IN, or in every batch when PAUSE_IN is -1); a negative PAUSE waits there
# for a line on stdin instead (the test says when the batch may go on).
WRITER = r"""
import sys, time
from scraper.models import Document, PageRecord
from scraper.store import Store
path, batches, size, pause, pause_in = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
para = "为深入贯彻落实党中央国务院关于疫情防控的决策部署，各地要统筹推进经济社会发展，第{}号。"
with Store.open(path) as store:
    for b in range(batches):
        with store.batch():
            for i in range(size):
                n = b * size + i
                doc = Document(url=None, title=f"关于第{n}批防控措施的通知", text="\n".join(para.format(n) for _ in range(20)))
                store.save(PageRecord(url=f"http://www.gov.cn/{n}.html", status=200, body=b"<p>" * 500), doc)
                if i == size // 2:
                    print(f"inside {b}", flush=True)
                    if pause_in in (-1, b):
                        sys.stdin.readline() if pause < 0 else time.sleep(pause)
        print(f"committed {b}", flush=True)
"""


def start_writer(path: Path, batches: int, size: int, pause: float, pause_in: int = -1) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), str(batches), str(size), str(pause), str(pause_in)],
        stdout=subprocess.PIPE, stdin=subprocess.PIPE if pause < 0 else None, text=True, env=env, cwd=ROOT,
    )


def wait_for(proc: subprocess.Popen, line: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    for got in proc.stdout:
        if got.strip() == line:
            return
        if time.monotonic() > deadline:
            break
    proc.kill()
    pytest.fail(f"writer never printed {line!r}")


def test_reader_searches_while_a_writer_holds_a_write_transaction(tmp_path):
    """In each batch the writer stops, its write transaction open, until the reader has
    looked: the reader is never blocked (busy_timeout 0 turns a wait for the writer's
    lock into an error at once) and sees exactly the batches committed so far."""
    path = tmp_path / "s.db"
    Store.open(path).close()
    writer = start_writer(path, batches=6, size=40, pause=-1)
    try:
        with Store.open(path, create=False) as reader:
            for b in range(6):
                wait_for(writer, f"inside {b}")  # half of batch b written, not committed
                reader.conn.execute("PRAGMA busy_timeout = 0")
                reader.conn.execute("BEGIN")  # one snapshot for both counts
                try:
                    hits = reader.count("疫情防控")
                    assert hits == 40 * b  # only whole committed batches are visible
                    assert reader.count("通知") == hits
                finally:
                    reader.conn.execute("COMMIT")
                    reader.conn.execute("PRAGMA busy_timeout = 30000")
                writer.stdin.write("go\n")
                writer.stdin.flush()
                wait_for(writer, f"committed {b}")
                assert reader.count("疫情防控") == 40 * (b + 1)  # the reader watched the store grow
            assert writer.wait(30) == 0
    finally:
        writer.kill()


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sigkill_mid_batch_leaves_a_consistent_store(tmp_path):
    path = tmp_path / "s.db"
    writer = start_writer(path, batches=10, size=50, pause=30, pause_in=3)
    for b in range(3):
        wait_for(writer, f"committed {b}")
    wait_for(writer, "inside 3")  # 26 pages of batch 3 written, not committed
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    assert writer.returncode == -signal.SIGKILL

    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    with Store.open(path) as store:
        store.conn.execute("INSERT INTO documents_fts(documents_fts) VALUES ('integrity-check')")
        pages = store.stats().pages
        assert pages == 150  # the three committed batches, nothing of the fourth
        orphans = store.conn.execute(
            "SELECT count(*) FROM pages p LEFT JOIN documents d ON d.url = p.url WHERE d.id IS NULL"
        ).fetchone()[0]
        assert orphans == 0  # no page saved without its document
        assert store.count("疫情防控") == pages
        assert store.conn.execute("SELECT count(*) FROM changes").fetchone()[0] == pages
        store.save_many([])  # and it still takes writes


def test_sigkill_while_paused_inside_the_first_batch_leaves_nothing(tmp_path):
    path = tmp_path / "s.db"
    writer = start_writer(path, batches=2, size=50, pause=30, pause_in=0)
    wait_for(writer, "inside 0")  # 26 pages written but not committed
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    with Store.open(path) as store:
        assert store.stats().pages == 0
        assert store.search("疫情") == []
