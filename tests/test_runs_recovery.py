"""Runs left `running` by a killed process are marked interrupted by the next run of
any kind, while a run that is alive in another process is left alone; reextract
re-cleans articles only; clean --save processes every input and says how it went."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from crawlkit import article, config, crawl, list_page
from httpserv import RawServer, page

from scraper import clean
from scraper.cli import main
from scraper.store import Store

ROOT = Path(__file__).resolve().parents[1]
HOLDER = ("import sys, time; from scraper.store import Store; s = Store.open(sys.argv[1]); "
          "print(s.start_run(sys.argv[2]), flush=True); time.sleep(120)")


def _holder(db: Path, kind: str) -> tuple[subprocess.Popen, int]:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(db), kind], stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    return proc, int(proc.stdout.readline())


def _status(db: Path, run_id: int) -> str:
    with Store.open(db) as store:
        return store.run(run_id).status


def test_a_live_run_elsewhere_is_left_alone_and_a_killed_one_is_interrupted(tmp_path):
    db = tmp_path / "s.db"
    Store.open(db).close()
    alive, alive_id = _holder(db, "reextract")
    doomed, doomed_id = _holder(db, "clean")
    try:
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(10)
        with Store.open(db) as store:
            mine = store.start_run("crawl")
            assert store.run(doomed_id).status == "interrupted"
            assert store.run(alive_id).status == "running"  # its process still holds its mark
            store.finish_run(mine)
    finally:
        alive.kill()
        alive.wait(10)
    with Store.open(db) as store:
        assert store.recover_runs() == [alive_id]
        assert store.run(alive_id).status == "interrupted" and store.run(mine).status == "ok"
    assert not list(tmp_path.glob("s.db.run-*.lock"))  # marks of finished and dead runs are gone


def test_a_store_closed_without_finishing_its_run_leaves_it_for_recovery(tmp_path):
    db = tmp_path / "s.db"
    with Store.open(db) as store:
        run = store.start_run("clean")
        assert store.recover_runs() == []  # our own run is alive
    with Store.open(db) as store:
        assert store.recover_runs() == [run]


def test_reextract_on_a_crawl_store_recleans_articles_only(tmp_path):
    db = tmp_path / "s.db"
    with RawServer() as srv:
        cols = ["/col/col1/index.html", "/col/col2/index.html"]
        srv.route("/", page(list_page(cols)))
        srv.route(cols[0], page(list_page([f"/art_1_{i}.html" for i in range(3)])))
        srv.route(cols[1], page(list_page([f"/art_2_{i}.html" for i in range(3)])))
        for c in (1, 2):
            for i in range(3):
                srv.route(f"/art_{c}_{i}.html", page(article(c * 10 + i)))
        with Store.open(db) as store:
            summary = crawl(config(srv.url("/")), store)
            assert (summary.new, summary.lists) == (6, 3)
            result = store.reextract(clean)
            assert (result.total, result.failed, result.unchanged) == (6, 0, 6)
            assert store.run(result.run_id).status == "ok"
    cli = CliRunner().invoke(main, ["reextract", "--db", str(db)])
    assert cli.exit_code == 0 and "reextracted 6 pages" in cli.output and "0 failed" in cli.output


def test_clean_save_processes_every_input_and_records_every_failure(tmp_path):
    db = tmp_path / "s.db"
    good = [tmp_path / f"a{i}.html" for i in range(3)]
    for i, path in enumerate(good):
        path.write_bytes(article(i))
    with RawServer() as srv:
        srv.route("/ok.html", page(article(9)))
        args = [str(good[0]), srv.url("/gone.html"), str(tmp_path / "missing.html"), str(good[1]),
                srv.url("/ok.html"), str(good[2])]
        result = CliRunner().invoke(main, ["clean", "--save", "--db", str(db), "--format", "json", *args])
    assert result.exit_code == 1
    assert "gone.html: HTTP 404 Not Found" in result.output and "missing.html: no such file" in result.output
    assert "2 of 6 inputs failed" in result.output
    with Store.open(db) as store:
        run = store.run(1)
        assert (run.kind, run.status, run.new, run.failed) == ("clean", "failed", 4, 2)
        assert run.failed_by_reason == {"HTTPStatusError": 1, "InputError": 1}
        assert store.stats().documents == 4


def test_a_run_opened_under_another_name_of_the_store_is_seen_alive(tmp_path):
    """The mark sits beside the real file (like the crawl lock): a run started through
    a symlink, from another directory, is not declared dead by one using the real path."""
    db, link = tmp_path / "s.db", tmp_path / "elsewhere" / "link.db"
    Store.open(db).close()
    link.parent.mkdir()
    link.symlink_to(db)
    alive, alive_id = _holder(link, "reextract")
    try:
        with Store.open(db) as store:
            assert store.recover_runs() == []
            assert store.run(alive_id).status == "running"
        assert list(tmp_path.glob("s.db.run-*.lock")) and not list(link.parent.glob("*.lock"))
    finally:
        alive.kill()
        alive.wait(10)
    with Store.open(tmp_path / "elsewhere" / ".." / "s.db") as store:
        assert store.recover_runs() == [alive_id]
