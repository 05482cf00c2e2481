"""Fetching one URL over HTTP with hard limits; the primitives every fetcher shares.

`request_once` is one HTTP exchange (no redirect following) that streams the body
and enforces every limit while it streams: bytes on the wire, bytes after
decompression (the decompressors are bounded per call, so a bomb is never inflated
past the limit), and a total deadline for the whole exchange (a server that drips
one byte per second, or stalls, cannot evade it). `follow_redirects` walks the
redirect chain by hand so each hop is checked. `fetch_url` is the sync entry used
by `scraper clean URL`; the polite, retrying, robots-aware async `Fetcher` for
crawls lives in `scraper.crawl.fetcher` (re-exported here as `Fetcher`).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import http
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any, Awaitable, Callable, Mapping, Sequence

import httpx

from ..errors import (
    ConnectError,
    FetchTimeoutError,
    HTTPStatusError,
    InvalidURLError,
    ProtocolError,
    RedirectError,
    ResponseTooLargeError,
    TooManyRedirectsError,
    TruncatedBodyError,
)
from .decompress import make_decoder
from ..models import Fetched

MB = 1024 * 1024
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
DEFAULT_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
DEFAULT_ACCEPT_LANGUAGE = "zh-CN,zh;q=0.9,en;q=0.8"
POOL_WAIT_FACTOR = 10


def default_user_agent() -> str:
    """Names the tool and its version; operators add a contact with `user_agent` in sites.toml."""
    from .. import __version__

    return f"scraper/{__version__} (polite crawler; obeys robots.txt)"


@dataclass(frozen=True)
class FetchLimits:
    """Hard limits for one HTTP exchange; every one ends in a specific `FetchError`.

    total_timeout covers connect, headers and the whole body of ONE exchange (one
    hop of a redirect chain), so slow-drip servers cannot stretch it. It starts when
    the request gets a connection: time queued in our own connection pool is ours,
    not the server's, and never fails a page.
    max_wire_bytes counts bytes as sent (still compressed); max_body_bytes counts
    bytes after decompression.
    """

    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    total_timeout: float = 120.0
    max_wire_bytes: int = 20 * MB
    max_body_bytes: int = 20 * MB
    max_redirects: int = 10
    user_agent: str = field(default_factory=default_user_agent)

    def __post_init__(self) -> None:
        for name in ("connect_timeout", "read_timeout", "total_timeout", "max_wire_bytes", "max_body_bytes"):
            if getattr(self, name) <= 0:
                raise ValueError(f"FetchLimits.{name} must be positive")
        if self.max_redirects < 0:
            raise ValueError("FetchLimits.max_redirects must not be negative")

    @property
    def timeout(self) -> httpx.Timeout:
        return httpx.Timeout(
            connect=self.connect_timeout,
            read=self.read_timeout,
            write=self.read_timeout,
            # Our own concurrency bounds the wait for a pooled connection; this bound only
            # turns a leak of connections (a bug) into an error instead of a hang.
            pool=POOL_WAIT_FACTOR * self.total_timeout,
        )


DEFAULT_LIMITS = FetchLimits()


def human_bytes(n: int) -> str:
    """20971520 -> '20 MB' (binary units, as people say them)."""
    for unit, size in (("GB", 1024**3), ("MB", MB), ("KB", 1024)):
        if n >= size:
            value = n / size
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{n} bytes"


def now_iso() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def check_http_url(url: str) -> None:
    """Only absolute http(s) URLs with a host are fetched."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise InvalidURLError(f"invalid URL: {exc}", url) from None
    if parsed.scheme not in ("http", "https"):
        raise InvalidURLError(f"unsupported URL scheme {parsed.scheme or '(none)'!r}: only http and https", url)
    if not parsed.host:
        raise InvalidURLError("invalid URL: no host", url)


def make_client(limits: FetchLimits = DEFAULT_LIMITS, *, max_connections: int = 100) -> httpx.AsyncClient:
    """The shared client: no automatic redirects (we check each hop), our timeouts."""
    return httpx.AsyncClient(
        follow_redirects=False,
        timeout=limits.timeout,
        limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections),
    )


class BodyReader:
    """Collects a streamed body, counting wire and decompressed bytes against the limits."""

    def __init__(self, url: str, limits: FetchLimits, content_encoding: str | None):
        self.url = url
        self.limits = limits
        self.wire_bytes = 0
        self.body_bytes = 0
        self._parts: list[bytes] = []
        self._decoder = make_decoder(content_encoding, url)

    def feed(self, raw: bytes) -> None:
        self.wire_bytes += len(raw)
        if self.wire_bytes > self.limits.max_wire_bytes:
            where = " on the wire" if self._decoder is not None else ""
            raise ResponseTooLargeError(
                f"response too large: more than {human_bytes(self.limits.max_wire_bytes)}{where}", self.url
            )
        if self._decoder is None:
            self._take(raw)
        else:
            self._decoder.feed(raw, self._take)

    def _take(self, chunk: bytes) -> None:
        self.body_bytes += len(chunk)
        if self.body_bytes > self.limits.max_body_bytes:
            where = " after decompression" if self._decoder is not None else ""
            raise ResponseTooLargeError(
                f"response too large: more than {human_bytes(self.limits.max_body_bytes)}{where}", self.url
            )
        self._parts.append(chunk)

    def finish(self) -> bytes:
        if self._decoder is not None:
            self._decoder.flush(self._take)
        return b"".join(self._parts)


def _check_content_length(url: str, headers: httpx.Headers, limits: FetchLimits) -> None:
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_wire_bytes:
        raise ResponseTooLargeError(
            f"response too large: Content-Length is {human_bytes(int(declared))}, "
            f"more than the {human_bytes(limits.max_wire_bytes)} limit",
            url,
        )


def request_headers(limits: FetchLimits, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    headers = {
        "User-Agent": limits.user_agent,
        "Accept": DEFAULT_ACCEPT,
        "Accept-Language": DEFAULT_ACCEPT_LANGUAGE,
        "Accept-Encoding": "gzip, deflate, br, zstd",
    }
    headers.update(extra or {})
    return headers


def _in_memory_body(url: str, response: httpx.Response, limits: FetchLimits) -> bytes:
    if len(response.content) > limits.max_body_bytes:
        raise ResponseTooLargeError(f"response too large: more than {human_bytes(limits.max_body_bytes)}", url)
    return response.content


async def _exchange(
    client: httpx.AsyncClient, url: str, limits: FetchLimits, headers: Mapping[str, str] | None,
    on_connection: Callable[[], None],
) -> Fetched:
    async def trace(event: str, info: Mapping[str, Any]) -> None:
        on_connection()  # httpcore's first event comes once the pool gave us a connection

    request = client.build_request("GET", url, headers=request_headers(limits, headers), timeout=limits.timeout,
                                   extensions={"trace": trace})
    response = await client.send(request, stream=True, follow_redirects=False)
    try:
        body = b""
        if 200 <= response.status_code < 300:
            _check_content_length(url, response.headers, limits)
            if response.is_stream_consumed:  # built in memory (MockTransport): httpx already decoded it
                body = _in_memory_body(url, response, limits)
            else:
                body = await _read_body(url, response, limits)
        return Fetched(
            url=url,
            body=body,
            final_url=url,
            status=response.status_code,
            headers=dict(response.headers.items()),
            fetched_at=now_iso(),
        )
    finally:
        await response.aclose()


async def _read_body(url: str, response: httpx.Response, limits: FetchLimits) -> bytes:
    """The streamed body, bounded; a body that stops short is `TruncatedBodyError`."""
    reader = BodyReader(url, limits, response.headers.get("content-encoding"))
    try:
        async for chunk in response.aiter_raw():
            reader.feed(chunk)
    except httpx.RemoteProtocolError as exc:
        if "complete message body" not in str(exc):
            raise ProtocolError(f"HTTP protocol error in the body: {_text(exc)}", url) from None
        declared = response.headers.get("content-length", "")
        of = f" of the {declared} announced" if declared.isdigit() else ""
        raise TruncatedBodyError(f"body cut short: the server closed the connection after "
                                 f"{reader.wire_bytes} bytes{of}", url) from None
    except httpx.ReadError as exc:
        raise TruncatedBodyError(f"body cut short: connection reset after {reader.wire_bytes} bytes "
                                 f"({_text(exc)})", url) from None
    return reader.finish()


def _text(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    if "Receive buffer too long" in text:  # h11's bound on the status line + headers
        return "response headers too large (Receive buffer too long)"
    return text


def _pooled(client: httpx.AsyncClient) -> bool:
    """Does the client queue requests in an httpcore pool (and report when one leaves it)?"""
    return isinstance(getattr(client, "_transport", None), httpx.AsyncHTTPTransport)


async def request_once(
    client: httpx.AsyncClient,
    url: str,
    *,
    limits: FetchLimits = DEFAULT_LIMITS,
    headers: Mapping[str, str] | None = None,
) -> Fetched:
    """One HTTP GET, redirects NOT followed, within `limits.total_timeout` from the moment
    the request has a connection (see FetchLimits).

    Returns any status; the body is read (and bounded) only for 2xx responses.
    Transport failures become `ConnectError` (retryable), `ProtocolError` (the server
    broke HTTP; `TruncatedBodyError` for a body cut short) or `FetchTimeoutError`.
    """
    check_http_url(url)
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(None if _pooled(client) else limits.total_timeout) as deadline:

            def start_deadline() -> None:
                if deadline.when() is None:
                    deadline.reschedule(loop.time() + limits.total_timeout)

            return await _exchange(client, url, limits, headers, start_deadline)
    except TimeoutError:
        raise FetchTimeoutError(
            f"timed out: no complete response within {limits.total_timeout:g} s", url
        ) from None
    except httpx.ConnectTimeout:
        raise ConnectError(f"cannot connect: no answer within {limits.connect_timeout:g} s", url) from None
    except httpx.PoolTimeout:
        raise FetchTimeoutError(f"no free connection in our own pool for {POOL_WAIT_FACTOR * limits.total_timeout:g} s "
                                "(connections leaked: a bug, please report it)", url) from None
    except httpx.TimeoutException:
        raise FetchTimeoutError(f"timed out: server sent nothing for {limits.read_timeout:g} s", url) from None
    except httpx.ConnectError as exc:
        raise ConnectError(f"cannot connect: {_text(exc)}", url) from None
    except httpx.InvalidURL as exc:  # our URL was checked: httpx choked on a redirect's Location
        raise RedirectError(f"redirect to an invalid URL: {exc}", url) from None
    except httpx.UnsupportedProtocol as exc:
        raise InvalidURLError(f"invalid URL: {exc}", url) from None
    except httpx.RemoteProtocolError as exc:
        if "without sending a response" in str(exc):  # closed at once: overloaded, worth another try
            raise ConnectError("connection failed: the server closed it without answering", url) from None
        raise ProtocolError(f"HTTP protocol error: {_text(exc)}", url) from None
    except httpx.ProtocolError as exc:
        raise ProtocolError(f"HTTP protocol error: {_text(exc)}", url) from None
    except httpx.TransportError as exc:
        raise ConnectError(f"connection failed: {_text(exc)}", url) from None


def redirect_target(chain: Sequence[str], fetched: Fetched, max_redirects: int) -> str:
    """Where a redirect response points, after checking location, scheme, loops and count."""
    location = fetched.headers.get("location", "").strip()
    if not location:
        raise RedirectError(f"redirect without a Location header (HTTP {fetched.status})", chain[-1])
    try:
        target = str(httpx.URL(chain[-1]).join(location))
    except (httpx.InvalidURL, ValueError) as exc:
        raise RedirectError(f"redirect to an invalid URL {location!r}: {exc}", chain[-1]) from None
    scheme = target.split(":", 1)[0].lower()
    if scheme not in ("http", "https"):
        raise RedirectError(f"redirect to unsupported scheme {scheme!r}: {target}", chain[-1])
    if target in chain:
        raise RedirectError("redirect loop: " + " -> ".join([*chain[chain.index(target):], target]), chain[0])
    if len(chain) > max_redirects:
        raise TooManyRedirectsError(
            f"too many redirects: more than {max_redirects} (" + " -> ".join([*chain, target]) + ")", chain[0]
        )
    return target


async def follow_redirects(
    send: Callable[[str], Awaitable[Fetched]], url: str, max_redirects: int
) -> tuple[Fetched, tuple[str, ...]]:
    """Call `send` hop by hop until a non-redirect answer; returns it and the chain of URLs."""
    chain = [url]
    while True:
        fetched = await send(chain[-1])
        if fetched.status not in REDIRECT_STATUSES:
            return replace(fetched, url=url, final_url=chain[-1]), tuple(chain)
        chain.append(redirect_target(chain, fetched, max_redirects))


def raise_for_status(fetched: Fetched, attempts: int = 1) -> None:
    """2xx and 304 pass; anything else is an `HTTPStatusError`."""
    if 200 <= fetched.status < 300 or fetched.status == 304:
        return
    try:
        phrase = http.HTTPStatus(fetched.status).phrase
    except ValueError:
        phrase = "unknown status"
    tries = f" (after {attempts} attempts)" if attempts > 1 else ""
    raise HTTPStatusError(f"HTTP {fetched.status} {phrase}{tries}", fetched.final_url or fetched.url, fetched.status)


async def fetch_url_async(
    url: str,
    *,
    limits: FetchLimits = DEFAULT_LIMITS,
    client: httpx.AsyncClient | None = None,
    headers: Mapping[str, str] | None = None,
) -> Fetched:
    """`fetch_url` for callers already inside an event loop."""
    own = client is None
    client = client or make_client(limits, max_connections=4)
    try:
        fetched, _ = await follow_redirects(
            lambda hop: request_once(client, hop, limits=limits, headers=headers), url, limits.max_redirects
        )
    finally:
        if own:
            await client.aclose()
    raise_for_status(fetched)
    return fetched


def fetch_url(
    url: str,
    *,
    limits: FetchLimits = DEFAULT_LIMITS,
    client: httpx.AsyncClient | None = None,
    headers: Mapping[str, str] | None = None,
) -> Fetched:
    """Fetch one URL (redirects followed and checked) and return it, or raise a `FetchError`.

    Sync on purpose (for `scraper clean URL`); it runs the async core in its own
    event loop because only asyncio can put a hard deadline on an httpx exchange.
    `client` (an AsyncClient, e.g. with `httpx.MockTransport`) is used as given;
    with a real transport its pooled connections belong to this call's event loop,
    so give a client to one call only. No robots.txt, no retries: one person asked
    for one page.
    """
    return _run_sync(fetch_url_async(url, limits=limits, client=client, headers=headers))


def _run_sync(coro: Awaitable[Any]) -> Any:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)  # type: ignore[arg-type]
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:  # called from inside a loop
        return pool.submit(asyncio.run, coro).result()  # type: ignore[arg-type]

