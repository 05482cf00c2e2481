"""SIGKILL a real `scraper crawl` process mid-run, run it again: no page lost, none
stored twice (each URL once in pages, one 'new' change per document, documents =
articles), and the killed run is marked interrupted."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

from crawlkit import article, list_page
from httpserv import RawServer, send_response

COLUMNS, PER_COLUMN = 6, 20


def _slow(body: bytes, delay: float = 0.03):
    def handler(req, sock):
        time.sleep(delay)
        send_response(sock, 200, {"Content-Type": "text/html; charset=utf-8"}, body)
    return handler


def _serve(srv: RawServer) -> int:
    cols = [f"/col/col{c}/index.html" for c in range(COLUMNS)]
    srv.route("/", _slow(list_page(cols), 0))
    for c, col in enumerate(cols):
        arts = [f"/art/2024/3/5/art_{c}_{i}.html" for i in range(PER_COLUMN)]
        srv.route(col, _slow(list_page(arts), 0))
        for i, path in enumerate(arts):
            srv.route(path, _slow(article(c * 100 + i)))
    return COLUMNS * PER_COLUMN


def _count(db, sql: str) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute(sql).fetchone()[0]
    except sqlite3.Error:
        return 0


def _crawl(cfg, db) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "scraper", "crawl", str(cfg), "--db", str(db), "--workers", "1", "--quiet"]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_sigkill_mid_crawl_then_resume_loses_nothing_and_stores_nothing_twice(tmp_path):
    db, cfg = tmp_path / "s.db", tmp_path / "sites.toml"
    with RawServer() as srv:
        articles = _serve(srv)
        cfg.write_text(f'[crawl]\nconcurrency = 4\ndelay = 0\nsite_concurrency = 4\n\n'
                       f'[[sites]]\nname = "t"\nseeds = ["{srv.url("/")}"]\n', encoding="utf-8")
        proc = _crawl(cfg, db)
        deadline = time.monotonic() + 30
        while _count(db, "SELECT count(*) FROM documents") < 25 and time.monotonic() < deadline:
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        stored_at_kill = _count(db, "SELECT count(*) FROM documents")
        assert 25 <= stored_at_kill < articles
        again = _crawl(cfg, db)
        out, err = again.communicate(timeout=90)
        assert again.returncode == 0, err.decode()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*), count(DISTINCT url) FROM pages").fetchone() == (1 + COLUMNS + articles,) * 2
        assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == articles
        per_url = conn.execute("SELECT max(n), min(n), count(*) FROM (SELECT url, count(*) AS n FROM changes "
                               "WHERE kind = 'new' GROUP BY url)").fetchone()
        assert per_url == (1, 1, articles)
        assert conn.execute("SELECT count(*) FROM frontier WHERE state <> 'done'").fetchone()[0] == 0
        runs = conn.execute("SELECT status, new, lists FROM runs ORDER BY id").fetchall()
    assert [r[0] for r in runs] == ["interrupted", "ok"]
    assert sum(r[1] for r in runs) == articles  # every document counted new exactly once
    assert sum(r[2] for r in runs) == 1 + COLUMNS  # and every list page once, apart
