"""Pages that would stall a crawl: CPU-bound pages stopped by the worker pool's limit
(recorded as too_slow, the run goes on and ends), a tag with 200,000 attributes (bounded
before lxml sees it, in the crawl and in `scraper clean`), requests queued in our own
connection pool (never timed out for it), and a page of 100,000 links ahead of its
articles (links chosen by value within the cap)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
import time

import pytest
from crawlkit import article, attribute_bomb, config, crawl, link_flood, list_page, rows, spin_on_slow
from httpserv import RawServer, page, send_response

from scraper.crawl.fetcher import Fetcher
from scraper.crawl.lock import RunLock
from scraper.crawl.schedule import crawl_locked
from scraper.crawl.urls import Scope
from scraper.crawl.work import SiteRules, process_page
from scraper.sources.http import FetchLimits, make_client, request_once
from scraper.store import Store

HTML = {"Content-Type": "text/html; charset=utf-8"}


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

    from scraper import many
    from scraper.cli import main

    monkeypatch.setattr(many, "clean_one", _spin_clean)  # what a worker runs: forked, it sees the patch
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
        entry = store.get(slow.resolve().as_uri())
        assert entry.page.error.startswith("TooSlowError: too slow") and entry.page.body is None


def test_clean_many_with_workers_stops_only_the_slow_page_and_keeps_the_order(tmp_path, monkeypatch):
    """-j 2: the slow page's worker is replaced, the others are cleaned, output keeps the
    input order, and --save keeps the slow page's row (without its body) and every count."""
    from click.testing import CliRunner

    from scraper import many
    from scraper.cli import main

    monkeypatch.setattr(many, "clean_one", _spin_clean)
    paths = [tmp_path / f"{name}.html" for name in ("a", "slow", "b", "c")]
    for path in paths:
        path.write_bytes(article(path.stem))
    results = list(many.clean_many([str(p) for p in paths], workers=2, time_limit=0.5, keep_fetched=True))
    assert [r.input for r in results] == [str(p) for p in paths]
    assert [r.ok for r in results] == [True, False, True, True]
    slow = results[1]
    assert slow.error_type == "TooSlowError" and slow.error.startswith("too slow: over the 0.5 s CPU limit")
    assert slow.fetched is not None and slow.fetched.body == paths[1].read_bytes()  # read here, kept for --save

    result = CliRunner().invoke(main, ["clean", "-j", "2", "--time-limit", "0.5", "--format", "json", "--save",
                                       "--db", str(tmp_path / "s.db"), *map(str, paths)])
    assert result.exit_code == 1 and "slow.html: too slow" in result.stderr
    assert [json.loads(line)["url"].rsplit("/", 1)[-1] for line in result.stdout.splitlines()] == \
        ["a.html", "b.html", "c.html"]
    with Store.open(tmp_path / "s.db") as store:
        run = store.run(1)
        assert (run.status, run.new, run.failed, run.failed_by_reason) == ("failed", 3, 1, {"TooSlowError": 1})
        assert store.get(paths[1].resolve().as_uri()).page.body is None


@pytest.mark.parametrize("value,problem", [
    ("0.01", "must be between 0.1 s and 1 h, got 0.01"),
    ("7200", "must be between 0.1 s and 1 h, got 7200.0"),
    ("nan", "must be between 0.1 s and 1 h, got nan"),
    ("inf", "must be between 0.1 s and 1 h, got inf"),
    ("-1", "must be between 0.1 s and 1 h, got -1.0"),
    ("soon", "'soon' is not a valid float"),
])
def test_a_time_limit_out_of_bounds_is_a_usage_error(tmp_path, value, problem):
    from click.testing import CliRunner

    from scraper.cli import main

    path = tmp_path / "a.html"
    path.write_bytes(article("a"))
    result = CliRunner().invoke(main, ["clean", "--time-limit", value, str(path)])
    assert result.exit_code == 2 and problem in result.stderr and "Traceback" not in result.output


def test_time_limit_0_cleans_in_the_command_s_own_process(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from scraper import many
    from scraper.cli import main

    def no_pool(*args, **kwargs):
        raise AssertionError("no worker pool without a time limit and -j 1")

    monkeypatch.setattr(many, "_on_pool", no_pool)
    path = tmp_path / "a.html"
    path.write_bytes(article("a"))
    result = CliRunner().invoke(main, ["clean", "--time-limit", "0", str(path)])
    assert result.exit_code == 0 and "第a号文章" in result.stdout


def _spin_clean(arg, url, config, keep_fetched, fetched):
    from scraper.many import Cleaned
    from scraper.pipeline import clean

    while arg.endswith("slow.html"):
        pass
    return Cleaned(arg, clean(fetched.body, fetched.url, content_type=fetched.content_type, config=config))


# --- waiting in our own connection pool -------------------------------------------------

def _held(release: threading.Event):
    def handler(req, sock):
        release.wait(60)
        send_response(sock, 200, HTML, article("held"))
    return handler


def test_a_request_queued_in_our_pool_longer_than_its_deadline_does_not_time_out():
    release = threading.Event()
    short = FetchLimits(connect_timeout=2, read_timeout=2, total_timeout=2)
    patient = FetchLimits(connect_timeout=60, read_timeout=60, total_timeout=60)

    async def main(srv):
        async with make_client(short, max_connections=1) as client:
            hold = asyncio.ensure_future(request_once(client, srv.url("/hold"), limits=patient))
            await _until(lambda: srv.hits("/hold") == 1)  # the pool's only connection is taken
            queued = asyncio.ensure_future(request_once(client, srv.url("/fast"), limits=short))
            await asyncio.sleep(short.total_timeout + 1)  # longer than its whole deadline, in our queue
            waiting = not queued.done() and srv.hits("/fast") == 0
            release.set()
            return waiting, await hold, await queued

    with RawServer() as srv:
        srv.route("/hold", _held(release))
        srv.route("/fast", page(article("fast")))
        waiting, held, fast = asyncio.run(main(srv))
    assert waiting and held.status == fast.status == 200
    assert "第fast号文章" in fast.body.decode()


def test_a_crawl_through_a_pool_of_one_connection_stores_every_article(store):
    with RawServer() as srv:
        arts = [f"/art_1_{i}.html" for i in range(12)]
        srv.route("/", page(list_page(arts)))
        for i, path in enumerate(arts):
            srv.route(path, _slow_page(article(i), 0.25))
        cfg = config(srv.url("/"), crawl={"concurrency": 8, "site_concurrency": 8,
                                          "limits": {"connect_timeout": 1.5, "read_timeout": 1.5, "total_timeout": 1.5}})
        fetcher = Fetcher(make_client(cfg.limits, max_connections=1), limits=cfg.limits, politeness=cfg.politeness)
        summary = crawl(cfg, store, fetcher=fetcher)  # the last article waits ~3 s for the connection
        asyncio.run(fetcher.client.aclose())
    assert summary.failed_by_reason == {} and summary.ok
    assert rows(store, "SELECT count(*) FROM documents") == [(12,)]


def _slow_page(body: bytes, seconds: float):
    def handler(req, sock):
        time.sleep(seconds)
        send_response(sock, 200, HTML, body)
    return handler


async def _until(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


# --- a page of 100,000 links ----------------------------------------------------------------

def _rules(**kw) -> SiteRules:
    return SiteRules(Scope(("x.gov.cn",)), **kw)


def test_the_articles_behind_100000_links_are_chosen_within_the_cap():
    done = process_page(link_flood(), "http://x.gov.cn/col/col7/index.html", "text/html; charset=utf-8", _rules())
    urls = [u for u, _ in done.links]
    articles = [u for u in urls if "/art_7_" in u]
    assert done.kind == "list" and len(urls) == 2000 and len(set(urls)) == 2000
    assert len(articles) == 30 and urls[:30] == articles  # first in value, each once
    assert {k for u, k in done.links if u in articles} == {"article"}


def test_links_beyond_the_cap_are_spread_over_the_page():
    items = "".join(f"<li><a href='/news/{i}.html'>第{i}条新闻标题写得足够长</a></li>" for i in range(1000))
    html = f"<html><body><ul>{items}</ul></body></html>".encode()
    done = process_page(html, "http://x.gov.cn/news/", "text/html", _rules(max_links=100))
    picked = sorted(int(u.rsplit("/", 1)[1].split(".")[0]) for u, _ in done.links)
    assert len(picked) == 100 and picked[0] < 20 and picked[-1] > 980  # from the top to the bottom
    assert max(b - a for a, b in zip(picked, picked[1:])) <= 20  # and evenly


def test_a_crawl_of_the_link_flood_queues_its_articles(store):
    with RawServer() as srv:
        srv.route("/", page(link_flood()))
        summary = crawl(config(srv.url("/")), store, max_pages=1)
    assert summary.fetched == 1 and summary.lists == 1
    queued = rows(store, "SELECT count(*) FROM frontier WHERE url LIKE '%/art_7_%' AND state = 'queued'")
    assert queued == [(30,)]
    assert rows(store, "SELECT count(*) FROM frontier")[0][0] <= 2001
