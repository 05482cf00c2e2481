"""`scraper discover URL`: the URLs a site lists in its sitemaps and feeds, unfetched.

Reads robots.txt (its `Sitemap:` lines, else /sitemap.xml), walks sitemap indexes,
and reads the feeds the start page announces (<link rel="alternate">) or that the
start URL itself is. Only listings are fetched, never the pages they list, through
the crawler's `Fetcher`: robots.txt and per-host delays apply, and, as in a crawl,
nothing is requested outside the allowed hosts (by default the start URL's host): a
`Sitemap:` line, sitemap-index child, feed or redirect pointing elsewhere is reported
as not read, never fetched. What a crawl would enqueue from the same listings is in
listings.py; this only reports.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import AsyncIterator, Callable, Iterable, Literal
from urllib.parse import urlsplit

from ..errors import FetchError, ScraperError
from ..sources.http import FetchLimits
from .discover import Entry, feed_links, parse_listing, sitemap_candidates, walk_sitemaps
from .fetcher import Fetcher
from .politeness import Politeness
from .urls import host_allowed

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Listed:
    """A URL a site lists: `via` sitemap or feed (`listing` is the feed's URL)."""

    url: str
    via: Literal["sitemap", "feed"]
    date: str | None = None
    title: str | None = None
    listing: str | None = None

    def to_dict(self) -> dict:
        return {"url": self.url, "via": self.via, "date": self.date, "title": self.title, "listing": self.listing}


Warn = Callable[[str], None]


class _Survey:
    def __init__(self, fetcher: Fetcher, warn: Warn, max_sitemaps: int):
        self.fetcher, self.warn, self.max_sitemaps = fetcher, warn, max_sitemaps
        self.seen: set[str] = set()

    async def body(self, url: str) -> bytes:
        return (await self.fetcher.fetch(url)).fetched.body

    def fresh(self, entry: Entry) -> bool:
        if entry.url in self.seen:
            return False
        self.seen.add(entry.url)
        return True

    async def sitemaps(self, url: str) -> AsyncIterator[Listed]:
        listed: tuple[str, ...] = ()
        try:
            listed = (await self.fetcher.robots_for(url)).sitemaps
        except FetchError as exc:
            self.warn(f"robots.txt unreadable: {exc}")
        default = sitemap_candidates(url)[0]

        def on_error(sitemap: str, exc: Exception) -> None:
            if sitemap != default or default in listed:  # a missing /sitemap.xml is normal, a listed one is not
                self.warn(f"sitemap {sitemap}: {exc}")

        async for entry in walk_sitemaps(self.body, sitemap_candidates(url, listed), max_files=self.max_sitemaps,
                                         on_error=on_error):
            if self.fresh(entry):
                yield Listed(entry.url, "sitemap", entry.date)

    async def feeds(self, url: str) -> AsyncIterator[Listed]:
        try:
            result = await self.fetcher.fetch(url)
        except ScraperError as exc:
            self.warn(f"start page {url}: {exc}")
            return
        start = result.fetched
        itself = parse_listing(start.body, result.final_url)
        if itself.kind in ("rss", "atom", "urlset", "text"):  # the start URL is a listing
            feeds = [(result.final_url, itself)]
        else:
            feeds = []
            for feed in feed_links(start.body or b"<html></html>", result.final_url):
                try:
                    feeds.append((feed, parse_listing(await self.body(feed), feed)))
                except ScraperError as exc:
                    self.warn(f"feed {feed}: {exc}")
        for feed, listing in feeds:
            for entry in listing.entries:
                if self.fresh(entry):
                    yield Listed(entry.url, "feed", entry.date, entry.title, feed)


async def discover_async(url: str, *, limits: FetchLimits | None = None, delay: float = 1.0,
                         obey_robots: bool = True, max_sitemaps: int = 50,
                         allowed_hosts: Iterable[str] | None = None,
                         warn: Warn | None = None) -> AsyncIterator[Listed]:
    """Each URL listed by the site's sitemaps, then by its feeds, once, in listing order.
    Requests go only to `allowed_hosts` (entries as in the sites TOML; default: the
    host of `url`, any port, as a crawl of that URL would)."""
    politeness = Politeness(concurrency=4, per_host_concurrency=1, delay=delay, obey_robots=obey_robots)
    warn = warn or (lambda message: log.warning("%s", message))
    hosts = tuple(allowed_hosts) if allowed_hosts is not None else (urlsplit(url).hostname or "",)

    def allow(target: str) -> bool:
        return host_allowed(urlsplit(target).netloc, hosts)

    async with Fetcher(limits=limits or FetchLimits(), politeness=politeness, allow=allow) as fetcher:
        survey = _Survey(fetcher, warn, max_sitemaps)
        async for item in survey.sitemaps(url):
            yield item
        async for item in survey.feeds(url):
            yield item


def discover(url: str, **options) -> list[Listed]:
    """The sync twin of `scraper discover URL` (options: those of `discover_async`)."""

    async def collect() -> list[Listed]:
        return [item async for item in discover_async(url, **options)]

    return asyncio.run(collect())
