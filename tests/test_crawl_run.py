"""A crawl RUN against misbehaving servers on loopback: every failure is recorded on its
page, counted by reason in the run, and the run goes on (the fetcher's unit tests
cover the HTTP pieces; here we check what the run does with them)."""

from __future__ import annotations

import asyncio
import gzip
import time
import zlib

import brotli
import pytest
from crawlkit import article, config, crawl, frontier_state, list_page, page_urls, rows
from httpserv import RawServer, localhost, page, robots, send_chunks, send_response

from scraper import clean
from scraper.crawl.fetcher import Fetcher
from scraper.store import Store

HTML = {"Content-Type": "text/html; charset=utf-8"}


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "s.db") as s:
        yield s


def _site(srv: RawServer, hrefs: list[str]) -> None:
    srv.route("/", page(list_page(hrefs)))


def test_robots_disallow_is_never_fetched_and_counted_as_skipped(store):
    with RawServer() as srv:
        srv.route("/robots.txt", robots("User-agent: *\nDisallow: /private/\n"))
        _site(srv, ["/private/a.html", "/art_1_1.html"])
        srv.route("/private/a.html", page(article("secret")))
        srv.route("/art_1_1.html", page(article(1)))
        summary = crawl(config(srv.url("/")), store)
        assert srv.hits("/private/a.html") == 0
    assert summary.skipped_by_reason == {"robots_disallowed": 1} and summary.failed == 0
    assert frontier_state(store, srv.url("/private/a.html"))[2] == "robots_disallowed"
    assert (summary.new, summary.lists) == (1, 1) and summary.ok


def test_crawl_delay_from_robots_spaces_requests(store):
    """Every request of the run leaves the politeness gate Crawl-delay after the one
    before. The gate's own release times are compared (arrival times at the server
    are not: a late first arrival would shrink the gap to an on-time second one)."""
    released: list[float] = []
    with RawServer() as srv:
        srv.route("/robots.txt", robots("User-agent: *\nCrawl-delay: 0.3\n"))
        _site(srv, [f"/art_1_{i}.html" for i in range(3)])
        for i in range(3):
            srv.route(f"/art_1_{i}.html", page(article(i)))
        cfg = config(srv.url("/"), sitemaps=False)
        fetcher = Fetcher(limits=cfg.limits, politeness=cfg.politeness)
        fetcher.gates.on_release = lambda host, at: released.append(at)
        summary = crawl(cfg, store, fetcher=fetcher)
        asyncio.run(fetcher.client.aclose())
    assert summary.new == 3 and [r.path for r in srv.requests][0] == "/robots.txt"
    assert len(released) == len(srv.requests) == 5  # robots.txt, the list page, three articles
    gaps = [b - a for a, b in zip(released, released[1:])]
    assert all(gap >= 0.3 - 1e-6 for gap in gaps), gaps


def _flaky(status: int, fails: int, headers: dict | None = None, body: bytes = b""):
    calls = {"n": 0}

    def handler(req, sock):
        calls["n"] += 1
        if calls["n"] <= fails:
            send_response(sock, status, headers or {})
        else:
            send_response(sock, 200, HTML, body)
    return handler, calls


@pytest.mark.parametrize("status,headers", [(429, {"Retry-After": "1"}), (500, {}), (503, {"Retry-After": "0"})])
def test_retry_then_success_stores_the_page(store, status, headers):
    with RawServer() as srv:
        handler, calls = _flaky(status, 1, headers, article(7))
        _site(srv, ["/art_1_7.html"])
        srv.route("/art_1_7.html", handler)
        started = time.monotonic()
        summary = crawl(config(srv.url("/")), store)
    assert calls["n"] == 2 and summary.failed == 0 and summary.new == 1
    if headers.get("Retry-After") == "1":
        assert time.monotonic() - started >= 0.95  # Retry-After honoured
    assert store.get(srv.url("/art_1_7.html")).document is not None


def test_redirect_chain_stores_final_url_once_and_loop_fails_alone(store):
    with RawServer() as srv:
        _site(srv, ["/old.html", "/loop1.html", "/art_1_9.html"])
        srv.route("/old.html", lambda r, s: send_response(s, 301, {"Location": "/mid.html"}))
        srv.route("/mid.html", lambda r, s: send_response(s, 302, {"Location": "/art_1_9.html"}))
        srv.route("/art_1_9.html", page(article(9)))
        srv.route("/loop1.html", lambda r, s: send_response(s, 301, {"Location": "/loop2.html"}))
        srv.route("/loop2.html", lambda r, s: send_response(s, 301, {"Location": "/loop1.html"}))
        summary = crawl(config(srv.url("/")), store)
        assert srv.hits("/mid.html") == 1  # the chain's URLs are seen, not queued again
    assert summary.failed_by_reason == {"redirect": 1}
    urls = page_urls(store)
    assert srv.url("/art_1_9.html") in urls and srv.url("/old.html") not in urls
    assert frontier_state(store, srv.url("/old.html"))[:2] == ("done", "redirect")
    assert frontier_state(store, srv.url("/mid.html"))[:2] == ("done", "redirect")
    assert "redirect loop" in store.get(srv.url("/loop1.html")).page.error
    assert rows(store, "SELECT count(*) FROM documents") == [(1,)]


def test_redirect_out_of_scope_is_skipped(store):
    with RawServer() as srv:
        _site(srv, ["/away.html"])
        srv.route("/away.html", lambda r, s: send_response(s, 301, {"Location": localhost(srv.url("/x.html"))}))
        srv.route("/x.html", page(article(3)))
        summary = crawl(config(srv.url("/")), store)  # allowed host: 127.0.0.1 only
        assert srv.hits("/x.html") == 0  # the target is on another host: never requested
    assert summary.skipped_by_reason == {"redirect_out_of_scope": 1} and summary.failed == 0
    assert page_urls(store) == {srv.url("/")}


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
def test_compressed_bodies_are_cleaned(store, encoding):
    raw = article(f"压缩{encoding}")
    body = {"gzip": gzip.compress, "deflate": zlib.compress, "br": brotli.compress}[encoding](raw)
    with RawServer() as srv:
        _site(srv, ["/art_1_2.html"])
        srv.route("/art_1_2.html", page(body, {**HTML, "Content-Encoding": encoding}))
        summary = crawl(config(srv.url("/")), store)
    doc = store.get(srv.url("/art_1_2.html")).document
    assert summary.ok and f"第压缩{encoding}号文章" in doc.text
    assert doc.page_type == clean(raw, srv.url("/art_1_2.html")).page_type is not None  # kept by the commit


def test_bomb_big_body_and_stall_are_recorded_and_the_run_goes_on(store):
    bomb = gzip.compress(b"\0" * (8 * 1024 * 1024), 9)
    with RawServer() as srv:
        _site(srv, ["/bomb.html", "/big.html", "/stall.html", "/art_1_1.html"])
        srv.route("/bomb.html", page(bomb, {**HTML, "Content-Encoding": "gzip"}))
        srv.route("/big.html", lambda r, s: send_chunks(s, 200, HTML, (b"x" * 65536 for _ in range(800))))
        srv.route("/stall.html", lambda r, s: (send_chunks(s, 200, HTML, [b"<html><body><p>half"]), time.sleep(4)))
        srv.route("/art_1_1.html", page(article(1)))
        cfg = config(srv.url("/"), crawl={"limits": {"max_body_bytes": "1MB", "max_wire_bytes": "2MB",
                                                      "read_timeout": 1, "total_timeout": 2}})
        summary = crawl(cfg, store)
    assert summary.failed_by_reason == {"too_large": 2, "timeout": 1}
    assert (summary.new, summary.lists) == (1, 1)  # the good article; the list page
    assert "after decompression" in store.get(srv.url("/bomb.html")).page.error
    assert store.get(srv.url("/art_1_1.html")).document is not None


def test_charset_variants(store):
    gbk = article("甲", charset="gbk").replace(b"<meta charset=gbk>", b"")  # GBK, nothing declared
    mislabelled = article("乙")  # UTF-8 bytes...
    with RawServer() as srv:
        _site(srv, ["/art_1_1.html", "/art_1_2.html"])
        srv.route("/art_1_1.html", page(gbk, {"Content-Type": "text/html"}))
        srv.route("/art_1_2.html", page(mislabelled, {"Content-Type": "text/html; charset=gb2312"}))  # ...said GBK
        summary = crawl(config(srv.url("/")), store)
    assert summary.ok
    one, two = store.get(srv.url("/art_1_1.html")).document, store.get(srv.url("/art_1_2.html")).document
    assert "第甲号文章：县政府召开专题会议" in one.text and one.encoding == "gb18030"
    assert "第乙号文章：县政府召开专题会议" in two.text and two.encoding == "utf-8"


def test_robots_unavailable_defers_without_failing(store):
    with RawServer() as srv:
        srv.route("/robots.txt", lambda r, s: send_response(s, 503, {}))
        summary = crawl(config(srv.url("/")), store)
    assert summary.failed == 0 and summary.deferred == 1 and summary.fetched == 0
    assert frontier_state(store, srv.url("/"))[0] == "queued"


def test_bad_pages_are_recorded_on_the_page(store):
    with RawServer() as srv:
        _site(srv, ["/art_1_1.html", "/doc.htm", "/empty.html", "/gone.html"])
        srv.route("/art_1_1.html", page(b"<html><head><title>t</title></head><body><script>x()</script></body></html>"))
        srv.route("/doc.htm", page(b"%PDF-1.4 binary", {"Content-Type": "application/pdf"}))
        srv.route("/empty.html", page(b""))
        summary = crawl(config(srv.url("/")), store)
    assert summary.failed_by_reason == {"no_content": 1, "not_html": 1, "empty": 1, "http_404": 1}
    assert store.get(srv.url("/doc.htm")).page.body is None  # a PDF body is not kept
    assert summary.status == "ok" and not summary.ok


def test_max_pages_caps_a_run_and_the_next_run_continues(store):
    with RawServer() as srv:
        _site(srv, [f"/art_1_{i}.html" for i in range(6)])
        for i in range(6):
            srv.route(f"/art_1_{i}.html", page(article(i)))
        first = crawl(config(srv.url("/")), store, max_pages=4)
        second = crawl(config(srv.url("/")), store, max_pages=4)
    assert first.fetched == 4 and first.queued == 3
    assert second.fetched == 3 and len(page_urls(store)) == 7
