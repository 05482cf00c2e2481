"""No request leaves the site's allowed hosts: redirect targets, robots.txt `Sitemap:`
lines, sitemap-index children, feeds (announced or redirected) and the robots.txt
of any of them. Two real loopback servers; the second must see zero requests."""

from __future__ import annotations

import asyncio

import pytest
from crawlkit import LIMITS, article, config, crawl, page_urls, rows
from httpserv import RawServer, localhost, page, robots, send_response

from scraper.crawl.config import config_from_dict
from scraper.crawl.fetcher import Fetcher, error_reason
from scraper.errors import ConfigError, OutOfScopeError
from scraper.sources.http import FetchLimits
from scraper.store import Store

HTML = {"Content-Type": "text/html; charset=utf-8"}
XML = {"Content-Type": "application/xml"}


def redirect(to: str):
    return lambda req, sock: send_response(sock, 302, {"Location": to})


def _sitemap_index(*children: str) -> bytes:
    items = "".join(f"<sitemap><loc>{c}</loc></sitemap>" for c in children)
    return f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}' \
           f"</sitemapindex>".encode()


def _urlset(*urls: str) -> bytes:
    items = "".join(f"<url><loc>{u}</loc></url>" for u in urls)
    return f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</urlset>'.encode()


def _home(other: str) -> bytes:
    return (f"<html><head><title>首页</title>"
            f"<link rel=alternate type='application/rss+xml' href='{other}/rss.xml'>"
            f"<link rel=alternate type='application/rss+xml' href='/rss.xml'></head><body><ul>"
            f"<li><a href='/art_1_2.html'>通知二</a></li><li><a href='/go.html'>外链</a></li>"
            f"<li><a href='{other}/art_8_8.html'>外站</a></li></ul></body></html>").encode()


def _hostile_site(a: RawServer, other: str) -> None:
    """Site A points at `other` in every way a site can."""
    base = a.url("")
    a.route("/robots.txt", robots(f"User-agent: *\nAllow: /\nSitemap: {other}/sitemap.xml\n"
                                  f"Sitemap: {base}/index.xml\n"))
    a.route("/index.xml", page(_sitemap_index(f"{other}/child.xml", f"{base}/sm1.xml"), XML))
    a.route("/sm1.xml", page(_urlset(f"{base}/art_1_1.html", f"{other}/art_9_9.html"), XML))
    a.route("/", page(_home(other), HTML))
    a.route("/go.html", redirect(f"{other}/art_7_7.html"))
    a.route("/rss.xml", redirect(f"{other}/rss.xml"))
    for n in ("1_1", "1_2"):
        a.route(f"/art_{n}.html", page(article(n), HTML))


def _trap(b: RawServer) -> None:
    """The other server would answer anything, so a request to it would succeed."""
    b.route("/robots.txt", robots("User-agent: *\nAllow: /\n"))
    for path in ("/sitemap.xml", "/child.xml", "/rss.xml", "/art_7_7.html", "/art_8_8.html", "/art_9_9.html"):
        b.route(path, page(article(path), HTML))


@pytest.mark.parametrize("addressing", ["another host", "another port"])
def test_a_site_cannot_make_the_crawler_request_other_hosts(tmp_path, addressing):
    with RawServer() as a, RawServer() as b:
        if addressing == "another host":  # 127.0.0.1 vs localhost
            other, extra = localhost(b.url("")), {}
        else:  # the same address, another port: allowed_hosts names the port
            other, extra = b.url(""), {"allowed_hosts": [f"127.0.0.1:{a.port}"]}
        _hostile_site(a, other)
        _trap(b)
        with Store.open(tmp_path / "s.db") as store:
            summary = crawl(config(a.url("/"), **extra), store)
            stored = page_urls(store)
        assert b.requests == []  # not one request, not even for robots.txt
    assert summary.status == "ok"
    assert {a.url("/art_1_1.html"), a.url("/art_1_2.html")} <= stored
    assert not [u for u in stored if str(b.port) in u]
    assert summary.skipped_by_reason.get("redirect_out_of_scope") == 1  # /go.html
    assert a.hits("/index.xml") == 1 and a.hits("/sm1.xml") == 1 and a.hits("/rss.xml") == 1


def test_a_robots_txt_redirecting_elsewhere_is_not_followed_and_the_site_waits(tmp_path):
    with RawServer() as a, RawServer() as b:
        other = localhost(b.url(""))
        a.route("/robots.txt", redirect(f"{other}/robots.txt"))
        a.route("/", page(article(1), HTML))
        _trap(b)
        with Store.open(tmp_path / "s.db") as store:
            summary = crawl(config(a.url("/")), store)
            state = rows(store, "SELECT state FROM frontier")
        info = asyncio.run(_robots(a.url("/"), allow=lambda u: "127.0.0.1" in u))
        assert b.requests == []
    assert a.hits("/") == 0  # its rules are unknown: nothing is fetched meanwhile
    assert summary.deferred == 1 and state == [("queued",)]
    assert info.status == "unavailable"
    assert "robots.txt redirects outside the allowed hosts" in info.reason
    assert "add that host to allowed_hosts" in info.reason


async def _robots(url: str, allow):
    async with Fetcher(limits=FetchLimits(**LIMITS), allow=allow) as fetcher:
        return await fetcher.robots_for(url)


def test_the_other_host_is_crawled_when_the_config_allows_it(tmp_path):
    with RawServer() as a, RawServer() as b:
        other = localhost(b.url(""))
        _hostile_site(a, other)
        _trap(b)
        with Store.open(tmp_path / "s.db") as store:
            crawl(config(a.url("/"), allowed_hosts=["127.0.0.1", "localhost"]), store)
        assert b.hits("/art_7_7.html") == 1 and b.hits("/robots.txt") == 1


def test_a_configured_feed_on_another_host_is_a_config_error():
    with pytest.raises(ConfigError, match=r"sites\[0\]\.feeds\[0\]: host of 'http://other\.cn/rss\.xml' is not in "
                                          r"allowed_hosts"):
        config_from_dict({"sites": [{"name": "a", "seeds": ["http://a.cn/"], "feeds": ["http://other.cn/rss.xml"]}]})


def test_the_fetcher_refuses_a_hop_before_any_request():
    async def main(url: str):
        async with Fetcher(limits=FetchLimits(**LIMITS), allow=lambda u: "127.0.0.1" in u) as fetcher:
            with pytest.raises(OutOfScopeError) as refused:
                await fetcher.fetch(url)
            return refused.value

    with RawServer() as a, RawServer() as b:
        a.route("/go", redirect(localhost(b.url("/x"))))
        exc = asyncio.run(main(a.url("/go")))
        assert b.requests == [] and a.hits("/go") == 1
    assert error_reason(exc) == "out_of_scope"
    assert f"not requested: {localhost(b.url('/x'))} is outside the allowed hosts (redirected from" in str(exc)
