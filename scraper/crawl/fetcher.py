"""The crawl's async `Fetcher`: one shared httpx.AsyncClient behind politeness,
robots.txt, retries and conditional GET.

Every hop of a redirect chain goes through the same checks as the first URL
(robots of its origin, its host's slots and delay, retries), because a redirect
can lead to another host. No hop is ever sent to a host the caller does not
allow (`allow=` per fetch: the site's hosts; `Fetcher(allow=)`: every host of the
crawl, robots.txt redirects included): a crawled site cannot make the crawler probe
other addresses. Failures are `FetchError` subclasses; `error_reason()` turns one
into a short label for a run's "failed by reason" counts.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass
from typing import Callable, Mapping
from urllib.parse import urlsplit

import httpx

from ..errors import (
    ConnectError,
    ContentEncodingError,
    FetchError,
    FetchTimeoutError,
    HTTPStatusError,
    InvalidURLError,
    OutOfScopeError,
    ProtocolError,
    RedirectError,
    ResponseTooLargeError,
    RobotsDisallowedError,
    RobotsUnavailableError,
    TruncatedBodyError,
)
from ..sources.http import (
    DEFAULT_LIMITS,
    FetchLimits,
    check_http_url,
    follow_redirects,
    make_client,
    raise_for_status,
    request_headers,
    request_once,
)
from ..models import Fetched
from .politeness import HostGates, Politeness
from .retry import RetryPolicy, backoff_delay, status_retry_delay
from .robots import RobotsCache, RobotsInfo

ROBOTS_MAX_REDIRECTS = 5  # RFC 9309


@dataclass(frozen=True)
class FetchResult:
    """A fetched page plus how it was got; `not_modified` means 304 (body is empty)."""

    fetched: Fetched
    chain: tuple[str, ...]
    attempts: int = 1

    @property
    def not_modified(self) -> bool:
        return self.fetched.status == 304

    @property
    def final_url(self) -> str:
        return self.chain[-1]

    @property
    def redirected(self) -> bool:
        return len(self.chain) > 1


def conditional_headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    """If-None-Match / If-Modified-Since from what the store kept of the last fetch."""
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


class Fetcher:
    """Polite async fetching for crawls; use as `async with Fetcher(...) as f:`.

    `client` is shared and injectable (tests pass one with `httpx.MockTransport`);
    a client given by the caller is not closed here. Per-site delay and concurrency
    go in through `configure_host()` before the first request to that host.
    """

    def __init__(
        self,
        client: httpx.AsyncClient | None = None,
        *,
        limits: FetchLimits = DEFAULT_LIMITS,
        politeness: Politeness = Politeness(),
        retry: RetryPolicy = RetryPolicy(),
        robots_ttl: float = 24 * 3600,
        robots_retry_after: float = 600.0,
        rng: random.Random | None = None,
        allow: Callable[[str], bool] | None = None,
    ):
        self.limits = limits
        self.allow = allow  # URL -> may any request go there? (None: anywhere)
        self.politeness = politeness
        self.retry = retry
        self._own_client = client is None
        self.client = client or make_client(limits, max_connections=politeness.concurrency)
        self.gates = HostGates(politeness)
        self.robots = RobotsCache(
            self._fetch_robots, user_agent=limits.user_agent, ttl=robots_ttl, retry_after=robots_retry_after
        )
        self._rng = rng or random.Random()
        # called with (url, request headers, Fetched) after every HTTP exchange: the WARC writer
        self.recorder: Callable[[str, Mapping[str, str], Fetched], None] | None = None

    async def __aenter__(self) -> "Fetcher":
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._own_client:
            await self.client.aclose()

    def configure_host(self, host: str, *, delay: float | None = None, concurrency: int | None = None) -> None:
        self.gates.configure(host, delay=delay, concurrency=concurrency)

    async def robots_for(self, url: str) -> RobotsInfo:
        """robots.txt of `url`'s origin (cached); its Crawl-delay is applied to the host."""
        info = await self.robots.get(url)
        self.gates.set_crawl_delay(host_of(url), info.crawl_delay)
        return info

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        headers: Mapping[str, str] | None = None,
        allow: Callable[[str], bool] | None = None,
    ) -> FetchResult:
        """GET `url` politely; a 2xx or a 304 (when validators were given) is returned.

        `allow(url)` is asked before every hop (redirects included) and before its
        robots.txt: a hop it refuses raises OutOfScopeError and is never requested.
        Raises RobotsDisallowedError, RobotsUnavailableError (requeue for later),
        HTTPStatusError, RedirectError, ResponseTooLargeError, FetchTimeoutError,
        ConnectError (retried first), ProtocolError / TruncatedBodyError (not retried),
        ContentEncodingError, InvalidURLError or OutOfScopeError.
        """
        check_http_url(url)  # before robots: an ftp: URL is invalid, not "robots unavailable"
        extra = {**conditional_headers(etag, last_modified), **(headers or {})}
        attempts = 0

        async def send(hop: str) -> Fetched:
            nonlocal attempts
            self._check_allowed(hop, allow, url)
            if self.politeness.obey_robots:
                await self._check_robots(hop)
            fetched, tries = await self._send_with_retries(hop, extra)
            attempts += tries
            return fetched

        fetched, chain = await follow_redirects(send, url, self.limits.max_redirects)
        raise_for_status(fetched, attempts)
        return FetchResult(fetched, chain, attempts)

    def _check_allowed(self, hop: str, allow: Callable[[str], bool] | None, first: str) -> None:
        for check in (allow, self.allow):
            if check is not None and not check(hop):
                via = f" (redirected from {first})" if hop != first else ""
                raise OutOfScopeError(f"not requested: {hop} is outside the allowed hosts{via}", hop)

    async def _check_robots(self, url: str) -> None:
        await self.robots_for(url)
        await self.robots.check(url)

    async def _send_with_retries(self, url: str, headers: Mapping[str, str]) -> tuple[Fetched, int]:
        host = host_of(url)
        failures = 0
        while True:
            try:
                async with self.gates.slot(host):
                    fetched = await request_once(self.client, url, limits=self.limits, headers=headers)
                self._record(url, headers, fetched)
            except ConnectError:
                failures += 1
                if failures >= self.retry.attempts:
                    raise
                await asyncio.sleep(backoff_delay(self.retry, failures, self._rng))
                continue
            if fetched.status not in self.retry.statuses:
                return fetched, failures + 1
            failures += 1
            retry_after = fetched.headers.get("retry-after")
            wait = status_retry_delay(self.retry, failures, fetched.status, retry_after, self._rng)
            if wait is None:
                return fetched, failures  # raise_for_status() reports it
            if retry_after:
                self.gates.defer(host, wait)
            await asyncio.sleep(wait)

    def _record(self, url: str, extra: Mapping[str, str], fetched: Fetched) -> None:
        if self.recorder is not None:
            self.recorder(url, request_headers(self.limits, extra), fetched)

    async def _fetch_robots(self, url: str) -> Fetched:
        """robots.txt through the host's gate, any status returned, no retries."""

        async def send(hop: str) -> Fetched:
            self._check_allowed(hop, None, url)
            async with self.gates.slot(host_of(hop)):
                fetched = await request_once(self.client, hop, limits=self.limits)
            self._record(hop, {}, fetched)
            return fetched

        fetched, _ = await follow_redirects(send, url, min(ROBOTS_MAX_REDIRECTS, self.limits.max_redirects))
        return fetched


_REASONS: tuple[tuple[type[BaseException], str], ...] = (
    (ResponseTooLargeError, "too_large"),
    (RedirectError, "redirect"),
    (FetchTimeoutError, "timeout"),
    (ConnectError, "connect"),
    (TruncatedBodyError, "truncated"),
    (ProtocolError, "protocol"),
    (RobotsDisallowedError, "robots_disallowed"),
    (RobotsUnavailableError, "robots_unavailable"),
    (ContentEncodingError, "bad_encoding"),
    (InvalidURLError, "invalid_url"),
    (OutOfScopeError, "out_of_scope"),
)


def error_reason(exc: BaseException) -> str:
    """A short stable label for a failure ('http_404', 'timeout', ...), for run counts."""
    if isinstance(exc, HTTPStatusError):
        return f"http_{exc.status}"
    for cls, label in _REASONS:
        if isinstance(exc, cls):
            return label
    return "fetch" if isinstance(exc, FetchError) else "other"
