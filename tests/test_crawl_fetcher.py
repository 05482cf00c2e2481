"""scraper.crawl.fetcher.Fetcher over real HTTP on loopback: results, redirects,
retries (5xx, 429 + Retry-After, connect errors), conditional GET (304)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import httpx
import pytest
from httpserv import RawServer, closed_port, page, send_response, stamped

from scraper.crawl.fetcher import Fetcher, error_reason
from scraper.crawl.politeness import Politeness
from scraper.crawl.retry import RetryPolicy
from scraper.errors import (
    ConnectError,
    HTTPStatusError,
    InvalidURLError,
    TooManyRedirectsError,
)
from scraper.sources.http import FetchLimits

LIMITS = FetchLimits(connect_timeout=2, read_timeout=2, total_timeout=5, max_redirects=5)
FAST_RETRY = RetryPolicy(attempts=3, backoff=0.01, max_backoff=0.05, max_retry_after=5)
QUICK = Politeness(concurrency=8, per_host_concurrency=8, delay=0.0)


def run(coro):
    return asyncio.run(coro)


def fetcher(**kw) -> Fetcher:
    kw.setdefault("limits", LIMITS)
    kw.setdefault("politeness", QUICK)
    kw.setdefault("retry", FAST_RETRY)
    return Fetcher(**kw)


# --- plain fetches, redirects ------------------------------------------------------------


def test_fetch_returns_result_with_chain():
    with RawServer() as srv:
        srv.route("/old", lambda req, sock: send_response(sock, 301, {"Location": "/new"}))
        srv.route("/new", page(b"new page"))

        async def main():
            async with fetcher() as f:
                return await f.fetch(srv.url("/old"))

        result = run(main())
    assert result.fetched.body == b"new page"
    assert result.chain == (srv.url("/old"), srv.url("/new")) and result.redirected
    assert result.fetched.url == srv.url("/old") and result.fetched.final_url == srv.url("/new")
    assert not result.not_modified and result.attempts == 2


def test_redirect_limit_applies_in_fetcher():
    with RawServer() as srv:
        for i in range(8):
            srv.route(f"/r{i}", lambda req, sock, i=i: send_response(sock, 302, {"Location": f"/r{i + 1}"}))

        async def main():
            async with fetcher(limits=FetchLimits(max_redirects=2)) as f:
                await f.fetch(srv.url("/r0"))

        with pytest.raises(TooManyRedirectsError):
            run(main())


def test_injected_mock_transport_client_is_used_and_not_closed():
    seen = []

    def app(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return httpx.Response(200, content=b"mock")

    client = httpx.AsyncClient(transport=httpx.MockTransport(app))

    async def main():
        async with Fetcher(client, politeness=QUICK) as f:
            result = await f.fetch("http://mock.test/a")
        assert not client.is_closed
        await client.aclose()
        return result

    assert run(main()).fetched.body == b"mock"
    assert seen == ["/robots.txt", "/a"]


# --- retries -----------------------------------------------------------------------------


def test_500_then_200_is_retried():
    with RawServer() as srv:
        calls = []

        def flaky(req, sock):
            calls.append(1)
            if len(calls) < 3:
                send_response(sock, 500, {}, b"oops")
            else:
                send_response(sock, 200, {}, b"fine")

        srv.route("/flaky", flaky)

        async def main():
            async with fetcher() as f:
                return await f.fetch(srv.url("/flaky"))

        result = run(main())
    assert result.fetched.body == b"fine" and result.attempts == 3


def test_persistent_503_gives_up_after_the_attempts():
    with RawServer() as srv:
        srv.route("/down", lambda req, sock: send_response(sock, 503, {}, b"down"))

        async def main():
            async with fetcher() as f:
                await f.fetch(srv.url("/down"))

        with pytest.raises(HTTPStatusError, match=r"HTTP 503 Service Unavailable \(after 3 attempts\)") as info:
            run(main())
    assert info.value.status == 503 and srv.hits("/down") == 3
    assert error_reason(info.value) == "http_503"


def test_404_is_not_retried():
    with RawServer() as srv:
        async def main():
            async with fetcher() as f:
                await f.fetch(srv.url("/missing"))

        with pytest.raises(HTTPStatusError):
            run(main())
    assert srv.hits("/missing") == 1


@pytest.mark.parametrize("retry_after", ["1", "date"])
def test_429_honours_retry_after(retry_after):
    log: list = []
    with RawServer() as srv:
        def limited(req, sock):
            if len(log) == 1:
                value = retry_after
                if value == "date":
                    value = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=2), usegmt=True)
                send_response(sock, 429, {"Retry-After": value}, b"slow down")
            else:
                send_response(sock, 200, {}, b"ok")

        srv.route("/p", stamped(limited, log))

        async def main():
            async with fetcher() as f:
                return await f.fetch(srv.url("/p"))

        result = run(main())
    assert result.fetched.body == b"ok" and result.attempts == 2
    waited = log[1][1] - log[0][1]
    assert waited >= 0.9  # honoured, not the 10 ms backoff


def test_retry_after_beyond_the_cap_gives_up_at_once():
    with RawServer() as srv:
        srv.route("/p", lambda req, sock: send_response(sock, 429, {"Retry-After": "3600"}, b""))

        async def main():
            async with fetcher() as f:
                await f.fetch(srv.url("/p"))

        with pytest.raises(HTTPStatusError, match="HTTP 429 Too Many Requests") as info:
            run(main())
    assert info.value.status == 429 and srv.hits("/p") == 1


def test_connect_errors_are_retried_then_succeed():
    calls = []

    def app(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        if len(calls) < 3:
            raise httpx.ConnectError("connection refused")
        return httpx.Response(200, content=b"up again")

    async def main():
        client = httpx.AsyncClient(transport=httpx.MockTransport(app))
        async with Fetcher(client, politeness=Politeness(delay=0, obey_robots=False), retry=FAST_RETRY) as f:
            result = await f.fetch("http://mock.test/a")
        await client.aclose()
        return result

    assert run(main()).fetched.body == b"up again" and calls == ["/a"] * 3


def test_connect_error_after_all_attempts():
    async def main():
        async with fetcher(politeness=Politeness(delay=0, obey_robots=False)) as f:
            await f.fetch(f"http://127.0.0.1:{closed_port()}/x")

    with pytest.raises(ConnectError) as info:
        run(main())
    assert error_reason(info.value) == "connect"


# --- conditional GET ---------------------------------------------------------------------


@pytest.mark.parametrize("validator", ["etag", "last_modified"])
def test_304_on_revisit(validator):
    lm = "Wed, 21 Oct 2015 07:28:00 GMT"
    with RawServer() as srv:
        def article(req, sock):
            if req.headers.get("if-none-match") == '"v1"' or req.headers.get("if-modified-since") == lm:
                send_response(sock, 304, {"ETag": '"v1"'})
            else:
                send_response(sock, 200, {"ETag": '"v1"', "Last-Modified": lm}, b"<p>article</p>")

        srv.route("/art.html", article)

        async def main():
            async with fetcher() as f:
                first = await f.fetch(srv.url("/art.html"))
                kw = {"etag": first.fetched.etag} if validator == "etag" else \
                    {"last_modified": first.fetched.last_modified}
                second = await f.fetch(srv.url("/art.html"), **kw)
                return first, second

        first, second = run(main())
    assert first.fetched.status == 200 and not first.not_modified
    assert second.not_modified and second.fetched.status == 304 and second.fetched.body == b""
    sent = srv.requests[-1].headers
    if validator == "etag":
        assert sent["if-none-match"] == '"v1"' and "if-modified-since" not in sent
    else:
        assert sent["if-modified-since"] == lm and "if-none-match" not in sent


@pytest.mark.parametrize("url", ["ftp://x.cn/a", "mailto:a@x.cn", "http://"])
def test_invalid_urls_are_invalid_not_robots_trouble(url):
    async def main():
        async with fetcher() as f:
            await f.fetch(url)

    with pytest.raises(InvalidURLError) as info:
        run(main())
    assert error_reason(info.value) == "invalid_url"
