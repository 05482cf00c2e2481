"""Pages that would stall a crawl: CPU-bound pages stopped by the worker pool's limit
(recorded as too_slow, the run goes on and ends), a tag with 200,000 attributes (bounded
before lxml sees it, in the crawl and in `scraper clean`), requests queued in our own
connection pool (never timed out for it), and a page of 100,000 links ahead of its
articles (links chosen by value within the cap)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from crawlkit import article, attribute_bomb, config, crawl, list_page, rows, spin_on_slow
from httpserv import RawServer, page

from scraper.crawl.lock import RunLock
from scraper.crawl.schedule import crawl_locked
from scraper.store import Store


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "s.db") as s:
        yield s


def _site(srv: RawServer, articles: list[str]) -> None:
    srv.route("/", page(list_page(articles)))
    for i, path in enumerate(articles):
        srv.route(path, page(article(i)))


def test_a_page_over_the_cpu_limit_is_too_slow_and_the_run_ends_with_the_lock_released(tmp_path):
    db = tmp_path / "s.db"
    with RawServer() as srv:
        arts = [f"/art_1_{i}.html" for i in range(6)]
        _site(srv, arts + ["/slow/art_2_1.html"])
        srv.route("/slow/art_2_1.html", page(article("慢")))
        cfg = config(srv.url("/"), crawl={"page_cpu_limit": "1s"})
        summary = crawl_locked(cfg, db, workers=1, process=spin_on_slow)
    assert summary.status == "ok" and summary.failed_by_reason == {"too_slow": 1}
    assert summary.new == 6  # every other article was stored
    with Store.open(db) as store:
        error = store.get(srv.url("/slow/art_2_1.html")).page.error
        assert error.startswith("too_slow: over the 1 s CPU limit per page")
        assert rows(store, "SELECT state FROM frontier WHERE url = ?", srv.url("/slow/art_2_1.html")) == [("failed",)]
    with RunLock(db):  # the next cron run is not locked out
        pass


def test_a_tag_with_200000_attributes_is_bounded_in_the_crawl(store):
    bomb = attribute_bomb()
    assert len(bomb) > 1_800_000
    with RawServer() as srv:
        _site(srv, ["/art_1_1.html"])
        srv.route("/art_1_1.html", page(bomb))
        cfg = config(srv.url("/"), crawl={"page_cpu_limit": "30s"})
        summary = crawl(cfg, store, workers=1)
    assert summary.ok and summary.new == 1
    assert "第属性号文章：县政府召开专题会议" in store.get(srv.url("/art_1_1.html")).document.text


def test_scraper_clean_on_the_attribute_bomb_finishes(tmp_path):
    path = tmp_path / "bomb.html"
    path.write_bytes(attribute_bomb())
    done = subprocess.run([sys.executable, "-m", "scraper", "clean", str(path)], capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr.decode()
    assert "第属性号文章：县政府召开专题会议" in done.stdout.decode("utf-8")


def test_scraper_clean_stops_a_page_over_its_time_limit(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from scraper.cli import clean_cmd, main

    monkeypatch.setattr(clean_cmd, "clean_job", _spin_clean)
    good, slow = tmp_path / "good.html", tmp_path / "slow.html"
    good.write_bytes(article("好"))
    slow.write_bytes(article("慢"))
    result = CliRunner().invoke(main, ["clean", "--time-limit", "1", str(slow), str(good),
                                       "--save", "--db", str(tmp_path / "s.db")])
    assert result.exit_code == 1
    assert "slow.html: too slow: over the 1 s CPU limit per page" in result.output
    assert "第好号文章" in result.output  # the next input was cleaned by a fresh worker
    with Store.open(tmp_path / "s.db") as store:
        run = store.run(1)
        assert (run.status, run.failed, run.failed_by_reason) == ("failed", 1, {"TooSlowError": 1})


def _spin_clean(body, url, content_type, config):
    from scraper.crawl.work import clean_job

    while url.endswith("slow.html"):
        pass
    return clean_job(body, url, content_type, config)
