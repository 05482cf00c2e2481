"""Running crawls the way cron and systemd do: one locked run, or one every N hours.

The lock is taken per run (not for the life of `--every`), so a one-off
`scraper crawl` can still run between two scheduled ones. SIGTERM and Ctrl-C set
a `Stopper`: between runs the sleep ends at once; during a run the runner stops
leasing, commits what finished and gives back the rest (nothing is lost, the
run row says "interrupted"), then the process exits.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
import time
from pathlib import Path
from typing import Any, Callable

from ..errors import CrawlLockedError
from ..store import Store
from .config import CrawlConfig
from .lock import RunLock, locked_message
from .runner import crawl_async
from .summary import RunSummary

log = logging.getLogger(__name__)


class Stopper:
    """Turns SIGTERM/SIGINT into a clean stop for the current run and the schedule."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.signum: int | None = None
        self._targets: list[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = []
        self._previous: dict[int, Any] = {}

    def install(self) -> "Stopper":
        """Handle SIGTERM/SIGINT (main thread only) until `uninstall()`."""
        for sig in (signal.SIGTERM, signal.SIGINT):
            self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def uninstall(self) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        self._previous.clear()

    def _handle(self, signum: int, frame: Any) -> None:
        self.stop(signum)

    def stop(self, signum: int | None = None) -> None:
        self.signum = self.signum or signum
        self.event.set()
        for loop, event in self._targets:
            if not loop.is_closed():
                loop.call_soon_threadsafe(event.set)

    @property
    def stopped(self) -> bool:
        return self.event.is_set()

    def bind(self, loop: asyncio.AbstractEventLoop, event: asyncio.Event) -> None:
        self._targets.append((loop, event))
        if self.stopped:
            event.set()

    def sleep(self, seconds: float) -> bool:
        """Wait; False if a stop came first."""
        return not self.event.wait(max(0.0, seconds))


def crawl_locked(config: CrawlConfig, db_path: str | Path, *, stopper: Stopper | None = None,
                 **options: Any) -> RunSummary:
    """One run under the store's lock; `CrawlLockedError` if another crawl holds it."""
    db_path = Path(db_path)
    lock = RunLock(db_path)
    try:
        lock.acquire()
    except CrawlLockedError:
        raise CrawlLockedError(locked_message(db_path)) from None
    try:
        with Store.open(db_path) as store:
            return asyncio.run(_run(config, store, stopper, options))
    finally:
        lock.release()


async def _run(config: CrawlConfig, store: Store, stopper: Stopper | None, options: dict) -> RunSummary:
    stop = asyncio.Event()
    if stopper is not None:
        stopper.bind(asyncio.get_running_loop(), stop)
    return await crawl_async(config, store, stop=stop, **options)


def run_every(interval: float, once: Callable[[], Any], stopper: Stopper,
              clock: Callable[[], float] = time.monotonic) -> Any:
    """Call `once()` now and then every `interval` seconds (start to start; a run that
    overruns is followed at once by the next) until the stopper fires. Returns the
    last result."""
    result = None
    while not stopper.stopped:
        started = clock()
        result = once()
        if stopper.stopped:
            break
        wait = interval - (clock() - started)
        log.info("next crawl in %.0f s", max(0.0, wait))
        if not stopper.sleep(wait):
            break
    return result


def crawl_every(config: CrawlConfig, db_path: str | Path, every: float, **options: Any) -> RunSummary | None:
    """Python equivalent of `scraper crawl SITES --every 6h`: runs until SIGTERM/Ctrl-C.

    A run that finds the store locked is skipped (logged) and the schedule goes on.
    """
    stopper = Stopper().install()

    def once() -> RunSummary | None:
        try:
            return crawl_locked(config, db_path, stopper=stopper, **options)
        except CrawlLockedError as exc:
            log.warning("%s: skipping this run", exc)
            return None

    try:
        return run_every(every, once, stopper)
    finally:
        stopper.uninstall()
