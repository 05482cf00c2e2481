"""scraper.crawl.robots: RFC 9309 outcomes and the per-origin cache (no network)."""

from __future__ import annotations

import asyncio

import pytest

from scraper.crawl.robots import RobotsCache, origin_of, parse_robots, robots_from_fetch, robots_url
from scraper.errors import ConnectError, RobotsDisallowedError, RobotsUnavailableError, TooManyRedirectsError
from scraper.models import Fetched

UA = "scraper/0.1.0 (+https://example.org)"
ROBOTS = b"""User-agent: *
Disallow: /private/
Allow: /private/open.html
Crawl-delay: 2.5
Sitemap: http://x.cn/sitemap_index.xml
Sitemap: http://x.cn/news.xml

User-agent: BadBot
Disallow: /
"""


def test_origin_and_robots_url():
    assert origin_of("HTTPS://Www.X.cn:8443/a/b?c#d") == "https://www.x.cn:8443"
    assert robots_url("http://x.cn/a/b.html") == "http://x.cn/robots.txt"


def test_parse_rules_delay_and_sitemaps():
    info = parse_robots("http://x.cn/robots.txt", ROBOTS, UA)
    assert info.status == "ok" and info.crawl_delay == 2.5
    assert info.sitemaps == ("http://x.cn/sitemap_index.xml", "http://x.cn/news.xml")
    assert info.allowed("http://x.cn/a.html", UA)
    assert not info.allowed("http://x.cn/private/x.html", UA)
    assert info.allowed("http://x.cn/private/open.html", UA)
    assert not info.allowed("http://x.cn/a.html", "BadBot/1.0")


def test_non_utf8_and_garbage_robots_parse():
    info = parse_robots("http://x.cn/robots.txt", "User-agent: *\nDisallow: /内部/\n".encode("gbk") + b"\xff\xfe", UA)
    assert info.status == "ok" and info.allowed("http://x.cn/a.html", UA)


@pytest.mark.parametrize("status,expected", [
    (200, "ok"), (404, "allow_all"), (401, "allow_all"), (403, "allow_all"), (410, "allow_all"),
    (429, "unavailable"), (500, "unavailable"), (503, "unavailable"),
])
def test_outcome_by_status(status, expected):
    fetched = Fetched(url="http://x.cn/robots.txt", body=b"User-agent: *\nDisallow: /\n", status=status)
    info = robots_from_fetch("http://x.cn/robots.txt", fetched, UA)
    assert info.status == expected
    if expected == "allow_all":
        assert info.allowed("http://x.cn/anything", UA)
    if expected == "unavailable":
        assert not info.allowed("http://x.cn/anything", UA)


def test_outcome_of_errors():
    assert robots_from_fetch("u", ConnectError("refused"), UA).status == "unavailable"
    assert robots_from_fetch("u", TooManyRedirectsError("too many"), UA).status == "allow_all"


def test_cache_shares_one_fetch_and_keeps_it():
    calls = []

    async def fetch(url):
        calls.append(url)
        await asyncio.sleep(0.01)
        return Fetched(url=url, body=ROBOTS, status=200)

    async def main():
        cache = RobotsCache(fetch, user_agent=UA)
        infos = await asyncio.gather(*(cache.get(f"http://x.cn/p{i}.html") for i in range(10)))
        await cache.get("http://x.cn/again.html")
        await cache.get("http://y.cn/")
        with pytest.raises(RobotsDisallowedError, match="disallowed by http://x.cn/robots.txt"):
            await cache.check("http://x.cn/private/a.html")
        return infos

    infos = asyncio.run(main())
    assert calls == ["http://x.cn/robots.txt", "http://y.cn/robots.txt"]
    assert all(i is infos[0] for i in infos)


def test_cache_expires_unavailable_answers_sooner():
    answers = [503, 200]

    async def fetch(url):
        return Fetched(url=url, body=b"User-agent: *\nAllow: /\n", status=answers.pop(0))

    async def main():
        cache = RobotsCache(fetch, user_agent=UA, retry_after=0.05)
        with pytest.raises(RobotsUnavailableError) as info:
            await cache.check("http://x.cn/a")
        assert 0 < info.value.retry_after <= 0.05
        await asyncio.sleep(0.06)
        return await cache.check("http://x.cn/a")

    assert asyncio.run(main()).status == "ok"


def test_a_cancelled_caller_does_not_break_the_shared_fetch():
    async def fetch(url):
        await asyncio.sleep(0.05)
        return Fetched(url=url, body=ROBOTS, status=200)

    async def main():
        cache = RobotsCache(fetch, user_agent=UA)
        first = asyncio.ensure_future(cache.get("http://x.cn/a"))
        second = asyncio.ensure_future(cache.get("http://x.cn/b"))
        await asyncio.sleep(0.01)
        first.cancel()
        return await second

    assert asyncio.run(main()).status == "ok"


def test_cache_is_bounded():
    async def fetch(url):
        return Fetched(url=url, body=b"", status=404)

    async def main():
        cache = RobotsCache(fetch, user_agent=UA, max_entries=3)
        for i in range(10):
            await cache.get(f"http://h{i}.cn/")
        return cache

    assert len(asyncio.run(main())._entries) == 3
