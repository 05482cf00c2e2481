"""A crawl on a disk that fills up, on a read-only directory, and stopped by Ctrl-C at
the terminal: a clear message and exit 1 (130 for Ctrl-C), never a traceback, and
nothing already stored is lost or corrupted; the next run carries on."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time

import pytest
from crawlkit import article, config, crawl, list_page
from fsconditions import run_on_tmpfs, run_readonly, scraper_argv
from httpserv import RawServer, page, send_response

from scraper.errors import StoreError
from scraper.store import Store

N = 120


def _text(i: int) -> list[str]:
    """Paragraphs that compress and index poorly, so a few pages fill a small disk."""
    rng = random.Random(i)
    han = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
    return [f"第{i}篇第{j}段：" + "".join(rng.choice(han) for _ in range(900)) + "。" for j in range(4)]


def _site(srv: RawServer, n: int = N) -> None:
    srv.route("/", page(list_page([f"/art_1_{i}.html" for i in range(n)])))
    for i in range(n):
        srv.route(f"/art_1_{i}.html", page(article(i, _text(i)),
                                           {"Content-Type": "text/html; charset=utf-8"}))


def _sites_file(tmp_path, seed: str) -> str:
    path = tmp_path / "sites.toml"
    path.write_text(f'[crawl]\ndelay = 0\nconcurrency = 4\n[[sites]]\nname = "t"\nseeds = ["{seed}"]\n',
                    encoding="utf-8")
    return str(path)


CHECK = """
import json, sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
print(json.dumps({
    "integrity": conn.execute("PRAGMA integrity_check").fetchone()[0],
    "documents": conn.execute("SELECT count(*) FROM documents").fetchone()[0],
    "changes": conn.execute("SELECT count(*) FROM changes").fetchone()[0],
    "runs": [list(r) for r in conn.execute("SELECT id, status FROM runs ORDER BY id")],
}))
"""


def test_a_disk_that_fills_up_mid_crawl_stops_the_run_cleanly_and_the_next_run_resumes(tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    (tmp_path / "check.py").write_text(CHECK)
    with RawServer() as srv:
        _site(srv)
        crawl_cmd = " ".join(scraper_argv("crawl", _sites_file(tmp_path, srv.url("/")), "--db", f"{disk}/s.db",
                                          "--workers", "0"))
        check = f"{sys.executable} {tmp_path}/check.py {disk}/s.db"
        script = (f"{crawl_cmd} 2>{tmp_path}/err1; echo $? >{tmp_path}/rc1; {check} >{tmp_path}/state1; "
                  f"mount -o remount,size=64m {disk}; "
                  f"{crawl_cmd} 2>{tmp_path}/err2; echo $? >{tmp_path}/rc2; {check} >{tmp_path}/state2")
        result = run_on_tmpfs(disk, 2048, script)
    assert result.returncode == 0, result.stderr
    err1 = (tmp_path / "err1").read_text()
    assert (tmp_path / "rc1").read_text().strip() == "1", err1
    assert "database or disk is full (crawl run 1 stopped: the pages it committed are kept" in err1
    assert "Traceback" not in err1
    first = json.loads((tmp_path / "state1").read_text())
    assert first["integrity"] == "ok" and 0 < first["documents"] < N
    assert first["changes"] == first["documents"]
    err2 = (tmp_path / "err2").read_text()
    assert (tmp_path / "rc2").read_text().strip() == "0", err2
    second = json.loads((tmp_path / "state2").read_text())
    assert second["integrity"] == "ok" and second["documents"] == second["changes"] == N
    assert second["runs"][0][1] in ("failed", "interrupted") and second["runs"][-1][1] == "ok"


def test_a_full_disk_before_the_lock_file_is_written_is_a_message(tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    cfg = _sites_file(tmp_path, "http://127.0.0.1:9/")
    crawl_cmd = " ".join(scraper_argv("crawl", cfg, "--db", f"{disk}/s.db", "--workers", "0"))
    script = f"dd if=/dev/zero of={disk}/fill bs=4k 2>/dev/null; {crawl_cmd}; echo rc=$?"
    result = run_on_tmpfs(disk, 64, script)
    assert "rc=1" in result.stdout, result.stderr
    assert f"error: cannot write the lock file {disk}/s.db.lock: No space left on device" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_store_that_cannot_grow_fails_the_run_and_keeps_every_committed_page(tmp_path):
    """The same through the Python API on any machine: SQLite's max_page_count is the
    disk's size, as far as the store can tell."""
    path = tmp_path / "s.db"
    with RawServer() as srv:
        _site(srv, 60)
        cfg = config(srv.url("/"))
        store = Store.open(path)
        pages_now = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages_now + 150}")
        with pytest.raises(StoreError, match="database or disk is full"):
            crawl(cfg, store)
        kept = store.conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        store.close()
        with Store.open(path) as store:
            assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert store.conn.execute("SELECT count(*) FROM documents").fetchone()[0] == kept > 0
            summary = crawl(cfg, store)
            assert summary.status == "ok"
            assert store.conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 60


def test_a_crawl_into_a_read_only_directory_is_a_message(tmp_path):
    d = tmp_path / "ro"
    d.mkdir()
    cfg = _sites_file(tmp_path, "http://127.0.0.1:9/")
    result = run_readonly(d, scraper_argv("crawl", cfg, "--db", str(d / "s.db"), "--workers", "0"))
    assert result.returncode == 1
    assert f"error: cannot create the lock file {d}/s.db.lock: " in result.stderr
    assert "Traceback" not in result.stderr


def test_clean_save_into_a_read_only_directory_is_a_message(tmp_path):
    d = tmp_path / "ro"
    d.mkdir()
    with Store.open(d / "old.db"):
        pass
    new = run_readonly(d, scraper_argv("clean", "/dev/null", "--save", "--db", str(d / "new.db")))
    assert new.returncode == 1 and f"error: cannot create the store {d}/new.db: " in new.stderr
    old = run_readonly(d, scraper_argv("clean", "/dev/null", "--save", "--db", str(d / "old.db")))
    assert old.returncode == 1
    assert f"error: cannot write to the store {d}/old.db: its directory is read-only" in old.stderr
    assert "Traceback" not in new.stderr + old.stderr


def test_ctrl_c_at_the_terminal_stops_workers_without_a_traceback(tmp_path):
    """Ctrl-C signals the whole foreground process group, cleaning workers included."""
    arrived, release = threading.Event(), threading.Event()

    def held(req, sock):
        arrived.set()
        release.wait(120)
        send_response(sock, 200, {"Content-Type": "text/html; charset=utf-8"}, article(99))

    db = tmp_path / "s.db"
    with RawServer() as srv:
        _site(srv, 20)
        srv.route("/", page(list_page([f"/art_1_{i}.html" for i in range(20)] + ["/held.html"])))
        srv.route("/held.html", held)
        cfg = _sites_file(tmp_path, srv.url("/"))
        proc = subprocess.Popen(scraper_argv("crawl", cfg, "--db", str(db), "--workers", "2"),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                                env={**os.environ, "PYTHONPATH": str(os.path.dirname(os.path.dirname(__file__)))})
        try:
            assert arrived.wait(120), "the crawl never reached the held page"
            deadline = time.monotonic() + 120
            while _documents(db) < 5:  # workers have cleaned pages: they are running
                assert time.monotonic() < deadline
                time.sleep(0.05)
            os.killpg(proc.pid, signal.SIGINT)
            out, err = proc.communicate(timeout=120)
        finally:
            release.set()
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT status FROM runs").fetchone()[0] == "interrupted"
        assert conn.execute("SELECT count(*) FROM frontier WHERE state = 'in_progress'").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM pages WHERE error LIKE 'worker%'").fetchone()[0] == 0


def _documents(db) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    except sqlite3.Error:
        return 0
