"""scraper.crawl.retry and politeness: pure retry decisions and host gates."""

from __future__ import annotations

import asyncio
import time
import random
from datetime import datetime, timezone

import pytest

from scraper.crawl.politeness import HostGates, Politeness
from scraper.crawl.retry import RetryPolicy, backoff_delay, parse_retry_after, status_retry_delay

NOW = datetime(2024, 5, 1, 12, 0, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("value,expected", [
    ("120", 120.0),
    (" 5 ", 5.0),
    ("Wed, 01 May 2024 12:00:30 GMT", 30.0),
    ("Wed, 01 May 2024 11:00:00 GMT", 0.0),  # in the past
    ("soon", None),
    ("-5", None),
    ("", None),
    (None, None),
])
def test_parse_retry_after(value, expected):
    assert parse_retry_after(value, NOW) == expected


def test_backoff_grows_is_capped_and_jittered():
    policy = RetryPolicy(backoff=1.0, max_backoff=8.0)
    rng = random.Random(7)
    for failures, base in [(1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (10, 8.0)]:
        waits = [backoff_delay(policy, failures, rng) for _ in range(50)]
        assert all(0.5 * base <= w <= 1.5 * base for w in waits)
        assert len(set(waits)) > 1  # jitter


def test_status_retry_decisions():
    policy = RetryPolicy(attempts=3, backoff=1.0, max_retry_after=60)
    rng = random.Random(1)
    assert status_retry_delay(policy, 1, 404, None, rng) is None  # not retryable
    assert 0.5 <= status_retry_delay(policy, 1, 503, None, rng) <= 1.5
    assert status_retry_delay(policy, 1, 429, "30", rng) == 30.0  # Retry-After wins
    assert status_retry_delay(policy, 1, 503, "Wed, 01 May 2024 12:00:10 GMT", rng, NOW) == 10.0
    assert status_retry_delay(policy, 1, 429, "3600", rng) is None  # beyond the cap: give up
    assert status_retry_delay(policy, 3, 500, None, rng) is None  # attempts used up


def test_policies_reject_nonsense():
    with pytest.raises(ValueError):
        RetryPolicy(attempts=0)
    with pytest.raises(ValueError):
        Politeness(concurrency=0)


def test_host_gates_delay_crawl_delay_cap_and_defer():
    """Compared: the gate's own release times (`on_release`), and a deferral measured
    from before it was set, so a loaded machine can only make the gaps longer."""
    released: list[tuple[str, float]] = []

    async def main():
        gates = HostGates(Politeness(delay=0.0, max_crawl_delay=0.2), on_release=lambda h, t: released.append((h, t)))
        gates.configure("a.cn", delay=0.05)
        gates.set_crawl_delay("B.cn", 30)  # capped
        assert gates.delay_for("a.cn") == 0.05 and gates.delay_for("b.cn") == 0.2

        async def hit(host):
            async with gates.slot(host):
                pass

        await asyncio.gather(*(hit("a.cn") for _ in range(3)))
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        gates.defer("a.cn", 0.3)
        await hit("a.cn")
        return t0

    t0 = asyncio.run(main())
    times = [t for host, t in released]
    assert [host for host, _ in released] == ["a.cn"] * 4
    assert all(b - a >= 0.05 - 1e-6 for a, b in zip(times[:3], times[1:3]))
    assert times[3] - t0 >= 0.3 - 1e-6  # deferred: not before 0.3 s after defer() was called


def test_a_request_let_go_late_pushes_the_next_one_back():
    """On a loaded machine a request can leave its gate after its turn; the next one
    then waits the full delay from when it actually left, not from when it was due."""
    released: list[float] = []

    async def main():
        gates = HostGates(Politeness(delay=0.2), on_release=lambda h, t: released.append(t))

        async def hit():
            async with gates.slot("a.cn"):
                pass

        await hit()
        first = asyncio.ensure_future(hit())  # due 0.2 s after the first
        second = asyncio.ensure_future(hit())  # due 0.4 s after it
        await asyncio.sleep(0)  # both have taken their turns and sleep
        time.sleep(0.5)  # the whole loop is held up (a busy machine): both turns pass meanwhile
        await asyncio.gather(first, second)

    asyncio.run(main())
    gaps = [b - a for a, b in zip(released, released[1:])]
    assert len(released) == 3 and all(gap >= 0.2 - 1e-6 for gap in gaps), gaps
