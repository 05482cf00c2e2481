"""Per-host politeness and global concurrency, as asyncio primitives.

One `HostGates` per crawl: a request to a host waits for (1) a free slot of that
host (per-host concurrency), (2) its turn, `delay` seconds after the previous request
to that host was let go (the larger of the site delay and robots Crawl-delay, which
is capped), and (3) a global slot. Waiting for a turn happens before taking a
global slot, so one slow host never starves the others.

The spacing is measured from when the previous request was actually let go, not
from when it was due: on a loaded machine a late request pushes the next one back,
so two requests never leave closer together than the delay. `on_release(host, t)`
(optional) hears each release at loop time t, the times the delay is kept between.
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import AsyncIterator, Callable


@dataclass(frozen=True)
class Politeness:
    """concurrency: requests in flight overall; the rest are per-host defaults."""

    concurrency: int = 16
    per_host_concurrency: int = 2
    delay: float = 1.0
    max_crawl_delay: float = 60.0
    obey_robots: bool = True

    def __post_init__(self) -> None:
        if self.concurrency < 1 or self.per_host_concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        if self.delay < 0 or self.max_crawl_delay < 0:
            raise ValueError("delays must not be negative")


IMPOLITE = Politeness(concurrency=64, per_host_concurrency=64, delay=0.0, obey_robots=False)


class _Host:
    def __init__(self, concurrency: int, delay: float):
        self.slots = asyncio.Semaphore(concurrency)
        self.delay = delay
        self.crawl_delay = 0.0
        self.next_start = 0.0  # when the last request that took a turn is due
        self.last_release: float | None = None
        self.not_before = 0.0


class HostGates:
    """Slots and turns per host plus the global slots; see the module docstring."""

    def __init__(self, politeness: Politeness = Politeness(),
                 on_release: Callable[[str, float], None] | None = None):
        self.politeness = politeness
        self.on_release = on_release
        self._global = asyncio.Semaphore(politeness.concurrency)
        self._hosts: dict[str, _Host] = {}

    def _host(self, host: str) -> _Host:
        state = self._hosts.get(host)
        if state is None:
            state = self._hosts[host] = _Host(self.politeness.per_host_concurrency, self.politeness.delay)
        return state

    def configure(self, host: str, *, delay: float | None = None, concurrency: int | None = None) -> None:
        """Per-site settings for a host; call before its first request."""
        state = self._host(host.lower())
        if delay is not None:
            state.delay = delay
        if concurrency is not None:
            state.slots = asyncio.Semaphore(concurrency)

    def set_crawl_delay(self, host: str, seconds: float | None) -> None:
        self._host(host.lower()).crawl_delay = min(seconds or 0.0, self.politeness.max_crawl_delay)

    def delay_for(self, host: str) -> float:
        state = self._host(host.lower())
        return max(state.delay, state.crawl_delay)

    def defer(self, host: str, seconds: float) -> None:
        """No request to `host` starts in the next `seconds` (a 429/503 Retry-After)."""
        state = self._host(host.lower())
        loop = asyncio.get_running_loop()
        state.not_before = max(state.not_before, loop.time() + seconds)

    async def _wait_turn(self, state: _Host) -> float:
        """Wait for this request's turn; return the loop time it was let go."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        gap = max(state.delay, state.crawl_delay)
        start = max(now, state.next_start, state.not_before)
        state.next_start = start + gap  # the next request's turn, if this one leaves on time
        while True:
            # deferred while we slept, or the previous request left late
            after_last = state.last_release + gap if state.last_release is not None else start
            start = max(start, state.not_before, after_last)
            if start <= now:
                break
            await asyncio.sleep(start - now)
            now = loop.time()
        state.last_release = now
        state.next_start = max(state.next_start, now + gap)
        return now

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        host = host.lower()
        state = self._host(host)
        async with state.slots:
            released = await self._wait_turn(state)
            if self.on_release is not None:
                self.on_release(host, released)
            async with self._global:
                yield
