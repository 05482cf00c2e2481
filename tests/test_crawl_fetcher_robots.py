"""The Fetcher's politeness and robots.txt over real HTTP on loopback: per-host and
global concurrency, per-host delay, Crawl-delay, robots disallow / 404 / 503 / unreachable."""

from __future__ import annotations

import asyncio

import pytest
from httpserv import RawServer, Timed, closed_port, localhost, page, robots, send_response

from scraper.crawl.fetcher import Fetcher, error_reason
from scraper.crawl.politeness import Politeness
from scraper.crawl.retry import RetryPolicy
from scraper.errors import RobotsDisallowedError, RobotsUnavailableError
from scraper.sources.http import FetchLimits

LIMITS = FetchLimits(connect_timeout=2, read_timeout=2, total_timeout=5, max_redirects=5)
FAST_RETRY = RetryPolicy(attempts=3, backoff=0.01, max_backoff=0.05, max_retry_after=5)
QUICK = Politeness(concurrency=8, per_host_concurrency=8, delay=0.0)
EPS = 1e-6  # float rounding of loop times: t + 0.3 - t is not always exactly 0.3


def releases(f: Fetcher) -> list[tuple[str, float]]:
    """(host, loop time) of every request the fetcher's politeness gate lets go. The
    delay is kept between these times, so gaps between them prove it however loaded
    the machine is; arrival times at the server would not (a late first arrival
    shrinks the gap to the next, on time, one)."""
    log: list[tuple[str, float]] = []
    f.gates.on_release = lambda host, at: log.append((host, at))
    return log


def gaps(log: list[tuple[str, float]], host: str) -> list[float]:
    times = [at for h, at in log if h == host]
    return [b - a for a, b in zip(times, times[1:])]


def run(coro):
    return asyncio.run(coro)


def fetcher(**kw) -> Fetcher:
    kw.setdefault("limits", LIMITS)
    kw.setdefault("politeness", QUICK)
    kw.setdefault("retry", FAST_RETRY)
    return Fetcher(**kw)


# --- politeness --------------------------------------------------------------------------


def test_per_host_concurrency_is_respected():
    with Timed() as srv:
        srv.route("/slow", srv.held(cap=2, total=6))

        async def main():
            async with fetcher(politeness=Politeness(concurrency=10, per_host_concurrency=2, delay=0)) as f:
                await asyncio.gather(*(f.fetch(srv.url("/slow")) for _ in range(6)))

        run(main())
    assert srv.max_in_flight == 2


def test_global_concurrency_is_respected_across_hosts():
    with Timed() as srv:
        srv.route("/slow", srv.held(cap=3, total=8))

        async def main():
            async with fetcher(politeness=Politeness(concurrency=3, per_host_concurrency=3, delay=0)) as f:
                urls = [srv.url("/slow"), localhost(srv.url("/slow"))] * 4
                await asyncio.gather(*(f.fetch(u) for u in urls))

        run(main())
    assert srv.max_in_flight == 3


def test_per_host_delay_spaces_requests_but_not_across_hosts():
    with RawServer() as srv:
        srv.route("/p", page())

        async def main():
            async with fetcher(politeness=Politeness(delay=0.3, per_host_concurrency=4)) as f:
                log = releases(f)
                f.configure_host("localhost", delay=0.0)
                await asyncio.gather(*(f.fetch(srv.url("/p")) for _ in range(3)))
                await asyncio.gather(*(f.fetch(localhost(srv.url("/p"))) for _ in range(3)))
                return log

        log = run(main())
    assert srv.hits("/p") == 6 and srv.hits("/robots.txt") == 2
    assert len(gaps(log, "127.0.0.1")) == 3  # robots.txt and three pages, each 0.3 s after the last
    assert all(gap >= 0.3 - EPS for gap in gaps(log, "127.0.0.1")), log
    assert [h for h, _ in log].count("localhost") == 4  # localhost (no delay) has a gate of its own


# --- robots.txt --------------------------------------------------------------------------


def test_robots_disallow_and_crawl_delay():
    with RawServer() as srv:
        srv.route("/robots.txt", robots(
            "User-agent: *\nDisallow: /private/\nCrawl-delay: 0.3\nSitemap: http://x.test/sitemap.xml\n"))
        srv.route("/a", page())
        srv.route("/b", page())
        srv.route("/private/x", page())

        async def main():
            async with fetcher(politeness=Politeness(delay=0, per_host_concurrency=4)) as f:
                log = releases(f)
                with pytest.raises(RobotsDisallowedError, match="disallowed by"):
                    await f.fetch(srv.url("/private/x"))
                await asyncio.gather(f.fetch(srv.url("/a")), f.fetch(srv.url("/b")))
                return await f.robots_for(srv.url("/a")), f.gates.delay_for("127.0.0.1"), log

        info, delay, log = run(main())
    assert srv.hits("/private/x") == 0 and srv.hits("/robots.txt") == 1
    assert srv.hits("/a") == srv.hits("/b") == 1
    assert info.status == "ok" and info.crawl_delay == 0.3 and info.sitemaps == ("http://x.test/sitemap.xml",)
    assert delay == 0.3
    # robots.txt, /a and /b went through the gate (not /private/x): /a and /b at least
    # Crawl-delay apart, and /a Crawl-delay after robots.txt (the delay was known by then)
    assert len(log) == 3 and all(gap >= 0.3 - EPS for gap in gaps(log, "127.0.0.1")), log


def test_robots_rules_for_our_user_agent():
    with RawServer() as srv:
        srv.route("/robots.txt", robots("User-agent: scraper\nDisallow: /\n\nUser-agent: *\nAllow: /\n"))
        srv.route("/a", page())

        async def main():
            async with fetcher() as f:
                await f.fetch(srv.url("/a"))

        with pytest.raises(RobotsDisallowedError):
            run(main())


def test_robots_404_allows_everything():
    with RawServer() as srv:
        srv.route("/private/x", page(b"open"))

        async def main():
            async with fetcher() as f:
                return await f.fetch(srv.url("/private/x")), await f.robots_for(srv.url("/"))

        result, info = run(main())
    assert result.fetched.body == b"open" and info.status == "allow_all"


def test_robots_503_means_try_later_then_recovers():
    state = {"robots": "down"}
    with RawServer() as srv:
        def robots_handler(req, sock):
            if state["robots"] == "down":
                send_response(sock, 503, {}, b"busy")
            else:
                send_response(sock, 200, {}, b"User-agent: *\nAllow: /\n")

        srv.route("/robots.txt", robots_handler)
        srv.route("/a", page())

        async def main():
            async with fetcher(robots_retry_after=0.3) as f:
                for _ in range(2):
                    with pytest.raises(RobotsUnavailableError, match="HTTP 503; try again in") as info:
                        await f.fetch(srv.url("/a"))
                    assert 0 < info.value.retry_after <= 0.3
                assert srv.hits("/robots.txt") == 1  # cached while "unavailable"
                state["robots"] = "up"
                await asyncio.sleep(0.35)
                return await f.fetch(srv.url("/a"))

        result = run(main())
    assert result.fetched.status == 200 and srv.hits("/a") == 1


def test_robots_unreachable_means_try_later():
    async def main():
        async with fetcher() as f:
            await f.fetch(f"http://127.0.0.1:{closed_port()}/a")

    with pytest.raises(RobotsUnavailableError, match="robots.txt unreachable") as info:
        run(main())
    assert error_reason(info.value) == "robots_unavailable"


def test_robots_fetched_once_for_concurrent_requests():
    with RawServer() as srv:
        srv.route("/robots.txt", robots("User-agent: *\nAllow: /\n"))
        srv.route("/a", page())

        async def main():
            async with fetcher() as f:
                await asyncio.gather(*(f.fetch(srv.url("/a")) for _ in range(5)))

        run(main())
    assert srv.hits("/robots.txt") == 1 and srv.hits("/a") == 5


def test_redirect_hop_is_checked_against_the_target_robots():
    with RawServer() as other, RawServer() as srv:
        other.route("/robots.txt", robots("User-agent: *\nDisallow: /secret\n"))
        other.route("/secret", page())
        srv.route("/go", lambda req, sock: send_response(sock, 302, {"Location": other.url("/secret")}))

        async def main():
            async with fetcher() as f:
                await f.fetch(srv.url("/go"))

        with pytest.raises(RobotsDisallowedError):
            run(main())
    assert other.hits("/secret") == 0


def test_robots_off_when_politeness_says_so():
    with RawServer() as srv:
        srv.route("/robots.txt", robots("User-agent: *\nDisallow: /\n"))
        srv.route("/a", page())

        async def main():
            async with fetcher(politeness=Politeness(delay=0, obey_robots=False)) as f:
                return await f.fetch(srv.url("/a"))

        assert run(main()).fetched.status == 200
    assert srv.hits("/robots.txt") == 0
