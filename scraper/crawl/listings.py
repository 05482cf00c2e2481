"""Seeds, sitemaps and feeds into the frontier, once per site and run.

Sitemaps (robots.txt `Sitemap:` lines and /sitemap.xml) and feeds (configured, or
announced by pages with <link rel=alternate>) are read through the same Fetcher as
pages, so robots.txt and politeness apply, and only from the site's allowed hosts:
a `Sitemap:` line, a sitemap-index child or a feed redirect pointing elsewhere is
never requested. Entries are filtered like links (scope,
traps, page-like) and enqueued in chunks, so a 50,000-URL sitemap never sits in
memory; an entry whose lastmod/pubDate is newer than the stored page makes that
page due now.
"""

from __future__ import annotations

import logging
from typing import Callable, Iterable

from ..errors import FetchError, ScraperError
from ..store.timeutil import normalize_timestamp
from .config import SiteConfig
from .discover import Entry, parse_listing, sitemap_candidates, walk_sitemaps
from .fetcher import Fetcher
from .frontier import Frontier, NewURL
from .urls import Scope, looks_like_page, normalize_url, trap_reason
from .work import SiteRules

log = logging.getLogger(__name__)

CHUNK = 1000
LISTING_DEPTH = 1  # pages a sitemap or feed lists count as one step from the seeds


def listing_urls(entries: Iterable[Entry], scope: Scope) -> Iterable[tuple[str, str | None]]:
    """(frontier key, date) of listed URLs worth crawling."""
    for entry in entries:
        try:
            url = normalize_url(entry.url)
        except ValueError:
            continue
        if looks_like_page(url) and url in scope and not trap_reason(url):
            yield url, _utc(entry.date)


def _utc(value: str | None) -> str | None:
    """A listing date in the store's UTC form (comparable with pages.fetched_at), or None."""
    if not value:
        return None
    try:
        return normalize_timestamp(value)
    except ScraperError:
        return None


class Lister:
    """Reads a site's listings into the frontier; `write(fn)` runs fn in a store transaction."""

    def __init__(self, fetcher: Fetcher, frontier: Frontier, write: Callable[[Callable[[], int]], int]):
        self.fetcher = fetcher
        self.frontier = frontier
        self.write = write
        self.seen: set[str] = set()  # listings read this run (a handful per site)

    def seed(self, site: SiteConfig) -> int:
        rules = SiteRules.from_site(site)
        seeds = [NewURL(normalize_url(s), 0, rules.guess_kind(normalize_url(s))) for s in site.seeds]
        return self.write(lambda: self.frontier.enqueue(site.name, seeds))

    async def body(self, url: str, site: SiteConfig) -> bytes:
        """A listing's body, fetched only within the site's hosts (OutOfScopeError otherwise)."""
        result = await self.fetcher.fetch(url, allow=Scope.from_site(site).allows_host)
        return result.fetched.body

    async def sitemaps(self, site: SiteConfig) -> int:
        """Every sitemap of the site's seed origins; returns URLs newly enqueued."""
        if not site.sitemaps:
            return 0
        candidates: list[str] = []
        for seed in dict.fromkeys(site.seeds):
            try:
                robots = await self.fetcher.robots_for(seed)
            except FetchError as exc:
                log.info("%s: robots.txt of %s unreadable: %s", site.name, seed, exc)
                continue
            candidates += [u for u in sitemap_candidates(seed, robots.sitemaps) if u not in self.seen]
        candidates = self._within(site, candidates)
        self.seen.update(candidates)
        entries = walk_sitemaps(lambda u: self.body(u, site), dict.fromkeys(candidates),
                                on_error=lambda u, e: log.info("%s: sitemap %s: %s", site.name, u, e))
        return await self._take(site, entries)

    @staticmethod
    def _within(site: SiteConfig, urls: list[str]) -> list[str]:
        scope = Scope.from_site(site)
        for url in urls:
            if not scope.allows_host(url):
                log.info("%s: sitemap %s not read: outside allowed_hosts", site.name, url)
        return [u for u in urls if scope.allows_host(u)]

    async def feed(self, site: SiteConfig, url: str) -> int:
        """One RSS/Atom feed (skipped if already read this run)."""
        if url in self.seen or len(self.seen) > 200:
            return 0
        self.seen.add(url)
        try:
            listing = parse_listing(await self.body(url, site), url)
        except Exception as exc:  # noqa: BLE001 - a bad feed is logged, never fatal
            log.info("%s: feed %s: %s", site.name, url, exc)
            return 0

        async def entries():
            for entry in listing.entries:
                yield entry

        return await self._take(site, entries())

    async def _take(self, site: SiteConfig, entries) -> int:
        scope, added, chunk = Scope.from_site(site), 0, []
        async for entry in entries:
            chunk.append(entry)
            if len(chunk) >= CHUNK:
                added += self._store(site, scope, chunk)
                chunk = []
        return added + self._store(site, scope, chunk)

    def _store(self, site: SiteConfig, scope: Scope, entries: list[Entry]) -> int:
        found = list(listing_urls(entries, scope))
        if not found:
            return 0
        if LISTING_DEPTH > site.max_depth:
            return 0

        rules = SiteRules.from_site(site)

        def apply() -> int:
            added = self.frontier.enqueue(site.name, (NewURL(u, LISTING_DEPTH, rules.guess_kind(u)) for u, _ in found))
            self.frontier.make_due([(u, d) for u, d in found if d])
            return added

        return self.write(apply)

