"""`scraper crawl`: exit codes, the lock, output on and off a terminal, --every and
signals (real subprocesses where signals are involved)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time

import pytest
from click.testing import CliRunner
from crawlkit import article, list_page
from httpserv import RawServer, page, send_response

from scraper.cli import main
from scraper.crawl.lock import RunLock
from scraper.crawl.schedule import Stopper, run_every


def _config(tmp_path, seed: str, extra: str = "") -> str:
    path = tmp_path / "sites.toml"
    path.write_text(f'[crawl]\ndelay = 0\n{extra}\n[[sites]]\nname = "t"\nseeds = ["{seed}"]\n', encoding="utf-8")
    return str(path)


def _small_site(srv: RawServer, broken: bool = False) -> None:
    srv.route("/", page(list_page(["/art_1_1.html"] + (["/gone.html"] if broken else []))))
    srv.route("/art_1_1.html", page(article(1)))


def invoke(*args: str):
    return CliRunner().invoke(main, ["crawl", *args])


def test_config_error_exits_2_naming_file_and_key(tmp_path):
    cfg = tmp_path / "bad.toml"
    cfg.write_text('[[sites]]\nname = "t"\nseeds = ["http://x.cn/"]\nmax_depht = 3\n', encoding="utf-8")
    result = invoke(str(cfg), "--db", str(tmp_path / "s.db"))
    assert result.exit_code == 2
    assert f"{cfg}: sites[0].max_depht: unknown key (did you mean 'max_depth'?)" in result.stderr
    assert invoke(str(tmp_path / "missing.toml")).exit_code == 2
    assert invoke(str(cfg), "--every", "often").exit_code == 2


@pytest.mark.parametrize("extra,message", [
    ("delay = inf", "crawl.delay: expected a finite number, got inf"),
    ("delay = nan", "crawl.delay: expected a finite number, got nan"),
    ("revisit_articles = '1000000w'", "crawl.revisit_articles: '1000000w' is too long: at most 3650 days"),
    ("user_agent = '爬虫/1.0'", "crawl.user_agent: must be one line of printable ASCII"),
    ("[crawl.limits]\ntotal_timeout = inf", "crawl.limits.total_timeout: expected a finite number, got inf"),
    ("[crawl.limits]\nread_timeout = nan", "crawl.limits.read_timeout: expected a finite number, got nan"),
    ("[crawl.limits]\nmax_body_bytes = 1", "crawl.limits.max_body_bytes: must be between 64KB and 1GB, got 1"),
])
def test_configs_that_would_break_the_run_exit_2_before_it_starts(tmp_path, extra, message):
    db = tmp_path / "s.db"
    cfg = _config(tmp_path, "http://127.0.0.1:9/", extra)
    if extra.startswith("delay"):  # instead of _config's delay = 0
        (tmp_path / "sites.toml").write_text(open(cfg, encoding="utf-8").read().replace("delay = 0\n", ""))
    result = invoke(cfg, "--db", str(db))
    assert result.exit_code == 2, result.output
    assert f"error: {tmp_path / 'sites.toml'}: {message}" in result.stderr
    assert "Traceback" not in result.output and not db.exists()


def test_a_seed_port_out_of_range_and_bad_arguments_exit_2(tmp_path):
    db = tmp_path / "s.db"
    result = invoke(_config(tmp_path, "http://127.0.0.1:99999/"), "--db", str(db))
    assert result.exit_code == 2
    assert "seeds[0]: port 99999 of 'http://127.0.0.1:99999/' is out of range (1-65535)" in result.stderr
    cfg = _config(tmp_path, "http://127.0.0.1:9/")
    result = invoke(cfg, "--db", str(db), "--every", "99999999999d")
    assert result.exit_code == 2 and "error: --every: '99999999999d' is too long: at most 3650 days" in result.stderr
    assert invoke(cfg, "--db", str(db), "--max-pages", str(10**20)).exit_code == 2
    result = invoke("/dev/zero", "--db", str(db))
    assert result.exit_code == 2 and "error: /dev/zero: larger than 1 MB: not a sites file" in result.stderr
    assert not db.exists()


def test_one_run_prints_log_lines_and_a_summary_and_exits_1_on_failures(tmp_path):
    with RawServer() as srv:
        _small_site(srv, broken=True)
        result = invoke(_config(tmp_path, srv.url("/")), "--db", str(tmp_path / "s.db"), "--workers", "0")
    assert result.exit_code == 1, result.stderr
    assert "crawl run 1 started: t" in result.stderr and "failed http_404: " in result.stderr
    # without a terminal (cron) the summary is one line on stderr, once; stdout stays empty
    assert result.stdout == ""
    assert result.stderr.count("crawl run 1 ok: fetched 3, ") == 1
    assert "(http_404 1)" in result.stderr and "┃" not in result.stderr and result.stderr.count("fetched 3") == 1


def test_quiet_success_prints_nothing(tmp_path):
    with RawServer() as srv:
        _small_site(srv)
        result = invoke(_config(tmp_path, srv.url("/")), "--db", str(tmp_path / "s.db"), "--workers", "0", "-q")
    assert result.exit_code == 0 and result.stdout == "" and result.stderr == ""


def test_a_second_run_on_the_same_store_is_refused(tmp_path):
    db = tmp_path / "s.db"
    with RunLock(db):
        result = invoke(_config(tmp_path, "http://127.0.0.1:9/"), "--db", str(db))
    assert result.exit_code == 75
    assert f"another crawl (pid {os.getpid()}) is running on {db}" in result.stderr


def test_a_symlink_to_a_locked_store_is_refused_too(tmp_path):
    db, link = tmp_path / "s.db", tmp_path / "link.db"
    db.write_bytes(b"")
    link.symlink_to(db)
    with RunLock(db):
        result = invoke(_config(tmp_path, "http://127.0.0.1:9/"), "--db", str(link))
    assert result.exit_code == 75
    assert f"another crawl (pid {os.getpid()}) is running on {link} (the same file as {db})" in result.stderr
    assert db.read_bytes() == b""  # refused before the store was opened


class _VirtualStopper(Stopper):
    """A Stopper whose sleep advances a virtual clock instead of waiting: the schedule
    is checked as computed, not as a loaded machine happens to keep it."""

    def __init__(self) -> None:
        super().__init__()
        self.now = 0.0
        self.waits: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> bool:
        self.waits.append(seconds)
        self.now += max(0.0, seconds)
        return not self.stopped


def test_run_every_runs_start_to_start_and_stops_between_runs():
    stopper, starts = _VirtualStopper(), []
    durations = [10.0, 70.0, 5.0]  # the second run overruns the 60 s interval

    def once():
        starts.append(stopper.now)
        stopper.now += durations[len(starts) - 1]
        if len(starts) == 3:
            stopper.stop()
        return len(starts)

    assert run_every(60.0, once, stopper, clock=stopper.clock) == 3
    assert starts == [0.0, 60.0, 130.0]  # start to start; after an overrun, the next at once
    assert stopper.waits == [50.0, -10.0]  # (a negative wait sleeps 0)


def _spawn(cfg: str, db, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "scraper", "crawl", cfg, "--db", str(db), "--workers", "0", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _runs(db) -> list[tuple]:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            return conn.execute("SELECT status, fetched FROM runs ORDER BY id").fetchall()
    except sqlite3.Error:
        return []


def _wait(predicate, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_every_runs_on_a_schedule_and_sigterm_between_runs_exits_0(tmp_path):
    db = tmp_path / "s.db"
    with RawServer() as srv:
        _small_site(srv)
        proc = _spawn(_config(tmp_path, srv.url("/")), db, "--every", "1h", "-q")
        _wait(lambda: _runs(db)[:1] == [("ok", 2)])
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err.decode()
    assert _runs(db) == [("ok", 2)]


def _slow_site(srv: RawServer, n: int) -> None:
    def slow(body):
        def handler(req, sock):
            time.sleep(0.05)
            send_response(sock, 200, {"Content-Type": "text/html; charset=utf-8"}, body)
        return handler

    srv.route("/", page(list_page([f"/art_1_{i}.html" for i in range(n)])))
    for i in range(n):
        srv.route(f"/art_1_{i}.html", slow(article(i)))


@pytest.mark.parametrize("sig,code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_signal_during_a_run_stops_cleanly_and_the_next_run_resumes(tmp_path, sig, code):
    db = tmp_path / "s.db"
    with RawServer() as srv:
        _slow_site(srv, 60)
        cfg = _config(tmp_path, srv.url("/"), "concurrency = 2\nsite_concurrency = 2")
        proc = _spawn(cfg, db, "-q")
        _wait(lambda: bool(_runs(db)) and _runs(db)[0][1] >= 8)
        proc.send_signal(sig)
        proc.communicate(timeout=15)
        assert proc.returncode == code
        with sqlite3.connect(db) as conn:
            assert conn.execute("SELECT count(*) FROM frontier WHERE state = 'in_progress'").fetchone()[0] == 0
        assert _runs(db)[0][0] == "interrupted"
        again = _spawn(cfg, db, "-q")
        again.communicate(timeout=60)
    assert again.returncode == 0
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 60
        assert conn.execute("SELECT count(*) FROM changes").fetchone()[0] == 60


def test_a_second_crawl_while_one_runs_is_refused_naming_the_first(tmp_path):
    """The first crawl is held inside a request the test controls, so it still holds the
    lock however long the second one takes to start (no race with a loaded machine)."""
    db = tmp_path / "s.db"
    arrived, release = threading.Event(), threading.Event()

    def held(req, sock):
        arrived.set()
        release.wait(120)
        send_response(sock, 200, {"Content-Type": "text/html; charset=utf-8"}, article(1))

    with RawServer() as srv:
        srv.route("/", page(list_page(["/art_1_1.html"])))
        srv.route("/art_1_1.html", held)
        cfg = _config(tmp_path, srv.url("/"), "concurrency = 1\nsite_concurrency = 1")
        first = _spawn(cfg, db, "-q")
        try:
            assert arrived.wait(120), "the first crawl never reached the article"
            second = subprocess.run([sys.executable, "-m", "scraper", "crawl", cfg, "--db", str(db)],
                                    capture_output=True, text=True, timeout=120)
        finally:
            release.set()
            first.communicate(timeout=120)
    assert second.returncode == 75, second.stderr
    assert f"another crawl (pid {first.pid}) is running on {db}" in second.stderr
    assert first.returncode == 0
    assert _runs(db) == [("ok", 2)]  # the refused run left no trace
