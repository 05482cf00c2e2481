"""robots.txt, parsed by protego and cached per origin, following RFC 9309.

2xx: rules apply; 4xx (not 429): no rules, everything allowed; 429/5xx or no answer:
the site is "unavailable" and the caller is told to try later (RFC 9309 says assume
complete disallow meanwhile). Crawl-delay and Sitemap: lines are exposed so the
politeness gates and sitemap discovery can use them.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Awaitable, Callable, Literal
from urllib.parse import urlsplit

from protego import Protego

from ..errors import FetchError, OutOfScopeError, RedirectError, RobotsDisallowedError, RobotsUnavailableError
from ..models import Fetched

ROBOTS_MAX_PARSED = 500 * 1024  # RFC 9309: parse at least the first 500 KiB
RobotsStatus = Literal["ok", "allow_all", "unavailable"]


def origin_of(url: str) -> str:
    """'https://Www.X.cn:8443/a?b' -> 'https://www.x.cn:8443' (robots.txt is per origin)."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def robots_url(url: str) -> str:
    return origin_of(url) + "/robots.txt"


@dataclass(frozen=True, eq=False)
class RobotsInfo:
    """What one origin's robots.txt says; `allowed()` answers per URL."""

    status: RobotsStatus
    url: str
    reason: str = ""
    sitemaps: tuple[str, ...] = ()
    crawl_delay: float | None = None
    parser: Protego | None = None

    def allowed(self, url: str, user_agent: str) -> bool:
        if self.status == "unavailable":
            return False
        return self.parser is None or bool(self.parser.can_fetch(url, user_agent))


def parse_robots(url: str, body: bytes, user_agent: str) -> RobotsInfo:
    """Rules from a robots.txt body (the first 500 KiB, UTF-8 with replacement)."""
    text = body[:ROBOTS_MAX_PARSED].decode("utf-8", errors="replace")
    parser = Protego.parse(text)
    delay = parser.crawl_delay(user_agent)
    return RobotsInfo(
        status="ok",
        url=url,
        sitemaps=tuple(dict.fromkeys(parser.sitemaps)),
        crawl_delay=float(delay) if delay is not None else None,
        parser=parser,
    )


def robots_from_fetch(url: str, result: Fetched | FetchError, user_agent: str) -> RobotsInfo:
    """Classify the outcome of fetching robots.txt (a response of any status, or an error)."""
    if isinstance(result, OutOfScopeError):  # its rules are unknown: crawl nothing there meanwhile
        return RobotsInfo("unavailable", url, reason=f"robots.txt redirects outside the allowed hosts ({result}); "
                          "add that host to allowed_hosts to follow it")
    if isinstance(result, RedirectError):
        return RobotsInfo("allow_all", url, reason=f"robots.txt unusable ({result}): no rules")
    if isinstance(result, FetchError):
        return RobotsInfo("unavailable", url, reason=f"robots.txt unreachable: {result}")
    if 200 <= result.status < 300:
        return parse_robots(url, result.body, user_agent)
    if result.status == 429 or result.status >= 500:
        return RobotsInfo("unavailable", url, reason=f"robots.txt answered HTTP {result.status}")
    return RobotsInfo("allow_all", url, reason=f"robots.txt answered HTTP {result.status}: no rules")


class RobotsCache:
    """robots.txt per origin: fetched once (concurrent callers share the fetch), kept
    `ttl` seconds, an "unavailable" answer only `retry_after` seconds.

    `fetch(robots_url)` returns the final response of any status (redirects
    followed) or raises `FetchError`; the `Fetcher` supplies it.
    """

    def __init__(
        self,
        fetch: Callable[[str], Awaitable[Fetched]],
        *,
        user_agent: str,
        ttl: float = 24 * 3600,
        retry_after: float = 600.0,
        max_entries: int = 10_000,
    ):
        self._fetch = fetch
        self.user_agent = user_agent
        self.ttl = ttl
        self.retry_after = retry_after
        self.max_entries = max_entries
        self._entries: OrderedDict[str, tuple[float, RobotsInfo]] = OrderedDict()
        self._pending: dict[str, asyncio.Future[RobotsInfo]] = {}

    def _cached(self, origin: str) -> tuple[float, RobotsInfo] | None:
        entry = self._entries.get(origin)
        if entry is None or entry[0] <= time.monotonic():
            return None
        self._entries.move_to_end(origin)
        return entry

    async def get(self, url: str) -> RobotsInfo:
        """The robots info for `url`'s origin, fetching robots.txt if not cached."""
        origin = origin_of(url)
        cached = self._cached(origin)
        if cached:
            return cached[1]
        task = self._pending.get(origin)
        if task is None:  # one load per origin, in its own task so a cancelled caller can't break it
            task = self._pending[origin] = asyncio.ensure_future(self._load(origin))
        return await asyncio.shield(task)

    async def _load(self, origin: str) -> RobotsInfo:
        url = origin + "/robots.txt"
        try:
            try:
                result: Fetched | FetchError = await self._fetch(url)
            except FetchError as exc:
                result = exc
            info = robots_from_fetch(url, result, self.user_agent)
            keep = self.retry_after if info.status == "unavailable" else self.ttl
            self._entries[origin] = (time.monotonic() + keep, info)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
            return info
        finally:
            self._pending.pop(origin, None)

    async def check(self, url: str) -> RobotsInfo:
        """Raise `RobotsUnavailableError` (try later) or `RobotsDisallowedError`; else the info."""
        info = await self.get(url)
        if info.status == "unavailable":
            entry = self._entries.get(origin_of(url))
            wait = max(0.0, entry[0] - time.monotonic()) if entry else self.retry_after
            raise RobotsUnavailableError(f"{info.reason}; try again in {wait:.0f} s", url, retry_after=wait)
        if not info.allowed(url, self.user_agent):
            raise RobotsDisallowedError(f"disallowed by {info.url}", url)
        return info
