"""One crawl run: lease due URLs from the store's frontier, fetch them with one shared
`Fetcher`, do the CPU work in a process pool beside the event loop, and commit
page + document + frontier row + new links together in batches.

The event loop only does I/O and bookkeeping (HTTP, SQLite, leasing); parsing,
link extraction and cleaning run in `work.process_page` on every core. Leasing
is bounded (a few URLs per site and overall in flight), so memory stays flat
however large the frontier. Every failure is recorded on its page and the run
goes on; a stop request (SIGTERM, Ctrl-C) ends it cleanly: finished visits are
committed, unstarted leases go back to the queue, the run is marked interrupted.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from urllib.parse import urlsplit

from .. import __version__
from ..errors import (
    FetchError,
    HTTPStatusError,
    OutOfScopeError,
    RobotsDisallowedError,
    RobotsUnavailableError,
    StoreError,
)
from ..store import Store
from .commit import Committer, Visit, Written
from .config import CrawlConfig, SiteConfig
from .fetcher import Fetcher, error_reason, host_of
from .frontier import Frontier, FrontierItem
from .listings import Lister
from .pool import TooSlowError, WorkerPool
from .progress import NullProgress, Progress, Snapshot
from .retry import RetryPolicy
from .summary import RunSummary, load_summary, record_unreachable
from .urls import Scope, host_allowed, normalize_url
from .work import Processed, SiteRules, process_page

log = logging.getLogger(__name__)

BATCH = 64  # visits per transaction
FLUSH_EVERY = 0.5  # seconds: commit at least this often (links feed the frontier)
MIN_DEFER = 60.0
# Failures that say nothing came back from the site (robots.txt unavailable defers the
# URL with reason robots_unavailable): a site with only these in a run was not reached.
UNREACHED = frozenset({"robots_unavailable", "connect", "timeout", "too_large", "protocol", "truncated",
                       "bad_encoding"})


class CrawlRun:
    """State of one run; `await CrawlRun(...).run()` returns its `RunSummary`."""

    def __init__(self, config: CrawlConfig, store: Store, fetcher: Fetcher, pool: WorkerPool,
                 progress: Progress, stop: asyncio.Event, process=process_page):
        self.config, self.store, self.fetcher, self.pool = config, store, fetcher, pool
        self.process = process  # the CPU work of a page, run in the pool (picklable)
        self.progress, self.stop = progress, stop
        self.sites = {s.name: s for s in config.sites}
        self.rules = {s.name: SiteRules.from_site(s) for s in config.sites}
        self.budget = {s.name: s.max_pages for s in config.sites}
        self.in_flight: dict[asyncio.Task, FrontierItem] = {}
        self.site_flight = {name: 0 for name in self.sites}
        self.listings: set[asyncio.Task] = set()
        self.pending: list[Visit] = []
        self.configured: set[str] = set()
        self.counts: dict[str, int] = {}
        self.reached: set[str] = set()  # sites that answered at least once this run
        self.unreached: dict[str, str] = {}  # site -> the first reason it could not be reached
        self.started = time.monotonic()
        self.last_flush = self.started
        self._due_at, self._due_cached = -1.0, 0
        self.warc = None  # a WarcWriter when the config has warc_dir

    async def run(self) -> RunSummary:
        self.run_id = self.store.start_run("crawl", self._describe())
        self.frontier = Frontier(self.store.conn, self.run_id, sites=tuple(self.sites))
        self.committer = Committer(self.store, self.frontier, self.sites, __version__)
        self.lister = Lister(self.fetcher, self.frontier, self._in_batch)
        status, failing = "failed", False
        try:
            self.warc = self._warc_writer()
            self._in_batch(self.frontier.recover)
            self._start_sites()
            await self._loop()
            status = "interrupted" if self.stop.is_set() else "ok"
        except (asyncio.CancelledError, KeyboardInterrupt):
            status, failing = "interrupted", True
            raise
        except StoreError as exc:  # the store failed under us (a full disk): say what it means
            failing = True
            raise StoreError(f"{exc} (crawl run {self.run_id} stopped: the pages it committed are kept, "
                             "the next run resumes)") from exc
        except BaseException:
            failing = True
            raise
        finally:
            await self._end(status, failing)
        summary = load_summary(self.store.conn, self.run_id, queued=self.frontier.due_count(),
                               elapsed=time.monotonic() - self.started)
        self.progress.finish(summary)
        return summary

    def _warc_writer(self):
        """With `warc_dir`: every HTTP exchange of this run goes to its WARC files too."""
        if self.config.warc_dir is None:
            return None
        from ..warc.writer import WarcWriter

        writer = WarcWriter(self.config.warc_dir, self.run_id)
        self.fetcher.recorder = writer.record
        return writer

    def _close_warc(self) -> None:
        if self.warc is not None:
            self.fetcher.recorder = None
            self.warc.close()

    def _describe(self) -> dict:
        return {"path": str(self.config.path) if self.config.path else None,
                "sites": [s.name for s in self.config.sites],
                "max_pages": {s.name: s.max_pages for s in self.config.sites}}

    def _in_batch(self, fn):
        with self.store.batch():
            return fn()

    def _start_sites(self) -> None:
        for site in self.config.sites:
            for url in site.seeds:
                self._configure(url, site)  # before robots.txt and sitemaps are fetched
            self.lister.seed(site)
            self._spawn_listing(self.lister.sitemaps(site))
            for feed in site.feeds:
                self._spawn_listing(self.lister.feed(site, feed))
        self.progress.start(self.run_id, [s.name for s in self.config.sites])

    def _spawn_listing(self, coro) -> None:
        self.listings.add(asyncio.ensure_future(coro))

    # --- the loop ------------------------------------------------------------------------

    async def _loop(self) -> None:
        stop_wait = asyncio.ensure_future(self.stop.wait())
        try:
            while not self.stop.is_set():
                self._fill()
                if not self.in_flight and not self.listings:
                    self._flush()
                    self._fill()
                    if not self.in_flight:
                        return
                waiting = {*self.in_flight, *self.listings, stop_wait}
                done, _ = await asyncio.wait(waiting, timeout=FLUSH_EVERY, return_when=asyncio.FIRST_COMPLETED)
                self._collect(done)
                if self._should_flush():
                    self._flush()
                self.progress.tick(self._snapshot())
        finally:
            stop_wait.cancel()

    def _fill(self) -> None:
        """Lease due URLs until the in-flight caps are reached (per site and overall)."""
        room = self.config.concurrency * 2 - len(self.in_flight)
        for site in self.config.sites:
            if room <= 0:
                return
            cap = max(2, site.concurrency * 2) - self.site_flight[site.name]
            want = min(room, cap, self.budget[site.name])
            if want <= 0:
                continue
            items = self._in_batch(lambda: self.frontier.lease(site.name, want))
            for item in items:
                task = asyncio.ensure_future(self._visit(site, item))
                self.in_flight[task] = item
                self.site_flight[site.name] += 1
            self.budget[site.name] -= len(items)
            room -= len(items)

    def _collect(self, done: set) -> None:
        for task in done:
            if task in self.in_flight:
                item = self.in_flight.pop(task)
                self.site_flight[item.site] -= 1
                self.pending.append(task.result())
            elif task in self.listings:
                self.listings.discard(task)
                if not task.cancelled() and task.exception():
                    log.warning("listing failed: %s", task.exception())

    def _should_flush(self) -> bool:
        if not self.pending:
            return False
        low = len(self.in_flight) < self.config.concurrency
        return low or len(self.pending) >= BATCH or time.monotonic() - self.last_flush >= FLUSH_EVERY

    def _flush(self) -> None:
        visits, self.pending = self.pending, []
        self.last_flush = time.monotonic()
        if not visits:
            return
        for visit, written in zip(visits, self.committer.write(visits)):
            self.progress.visit(visit.item.url, written)
            self._count(written)
            self._tally(visit)

    def _tally(self, visit: Visit) -> None:
        site = visit.item.site
        if visit.reason in UNREACHED:  # a fetch that got nothing usable back
            self.unreached.setdefault(site, visit.error or visit.reason or "")
        elif visit.status != "deferred":
            self.reached.add(site)

    def unreachable(self) -> dict[str, str]:
        """Sites that yielded nothing this run because every visit failed to reach them."""
        return {site: why for site, why in self.unreached.items() if site not in self.reached}

    def _count(self, written: Written) -> None:
        self.counts[written.outcome] = self.counts.get(written.outcome, 0) + 1

    def _snapshot(self) -> Snapshot:
        return Snapshot(counts=dict(self.counts), in_flight=len(self.in_flight),
                        queued=self._due(), elapsed=time.monotonic() - self.started)

    def _due(self) -> int:
        """Due URLs, counted at most once a second (a count over the frontier index)."""
        now = time.monotonic()
        if now - self._due_at >= 1.0:
            self._due_at, self._due_cached = now, self.frontier.due_count()
        return self._due_cached

    async def _end(self, status: str, failing: bool) -> None:
        """Wind down and close the run row. When an error is already on its way out (the
        disk is full), a second store failure here is logged instead of hiding it: what
        was committed stays, the leases left are recovered by the next run."""
        try:
            await self._wind_down()
            self._close_warc()
            self._in_batch(lambda: record_unreachable(self.store.conn, self.run_id, self.unreachable()))
            self.store.finish_run(self.run_id, status)
        except (StoreError, sqlite3.Error, OSError) as exc:
            if not failing:
                raise
            log.warning("crawl run %s could not be closed cleanly: %s", self.run_id, exc)

    async def _wind_down(self) -> None:
        """Cancel what is still running, commit what finished, give back the rest."""
        for task in [*self.in_flight, *self.listings]:
            task.cancel()
        if self.in_flight or self.listings:
            done, _ = await asyncio.wait([*self.in_flight, *self.listings], timeout=10)
            finished = {t for t in done if not t.cancelled() and t.exception() is None}
            self._collect({t for t in finished if t in self.in_flight})
        self._flush()
        self._in_batch(self.frontier.release)

    # --- one URL -----------------------------------------------------------------------

    async def _visit(self, site: SiteConfig, item: FrontierItem) -> Visit:
        try:
            return await self._fetch_and_process(site, item)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - never let one URL end the run
            log.exception("unexpected error on %s", item.url)
            return Visit(item, "failed", reason="internal", message=f"{type(exc).__name__}: {exc}")

    def _configure(self, url: str, site: SiteConfig) -> None:
        host = host_of(url)
        if host not in self.configured:
            self.configured.add(host)
            self.fetcher.configure_host(host, delay=site.delay, concurrency=site.concurrency)

    async def _fetch_and_process(self, site: SiteConfig, item: FrontierItem) -> Visit:
        self._configure(item.url, site)
        scope = self.rules[site.name].scope
        try:
            result = await self.fetcher.fetch(item.url, etag=item.etag, last_modified=item.last_modified,
                                              allow=scope.allows_host)
        except OutOfScopeError as exc:  # a redirect to another host: not followed
            return Visit(item, "skipped", reason="redirect_out_of_scope", message=str(exc))
        except RobotsUnavailableError as exc:
            return Visit(item, "deferred", reason="robots_unavailable", message=str(exc),
                         wait=max(exc.retry_after, MIN_DEFER))
        except RobotsDisallowedError as exc:
            return Visit(item, "skipped", reason="robots_disallowed", message=str(exc))
        except FetchError as exc:
            status = exc.status if isinstance(exc, HTTPStatusError) else None
            return Visit(item, "failed", reason=error_reason(exc), message=str(exc), http_status=status)
        if result.not_modified:
            return Visit(item, "not_modified", fetched=result.fetched)
        key = normalize_url(result.final_url)
        if result.redirected and key not in self.rules[site.name].scope:
            return Visit(item, "skipped", reason="redirect_out_of_scope",
                         message=f"redirected out of scope to {result.final_url}")
        fetched = result.fetched
        done = await self._process(fetched.body, result.final_url, fetched.content_type, site)
        self._follow_feeds(site, done)
        return Visit(item, "page", fetched=fetched, key=key, chain=result.chain, processed=done)

    async def _process(self, body: bytes, url: str, content_type: str | None, site: SiteConfig) -> Processed:
        rules = self.rules[site.name]
        try:
            return await self.pool.run(self.process, body, url, content_type, rules)
        except TooSlowError as exc:  # its worker was killed and replaced; the run goes on
            return Processed(error=("too_slow", str(exc)))
        except BrokenProcessPool as exc:  # the worker died on this page; it is replaced
            return Processed(error=("worker_crashed", f"the cleaning worker died: {exc}"))

    def _follow_feeds(self, site: SiteConfig, done: Processed) -> None:
        for feed in done.feeds:
            if host_allowed(urlsplit(feed).netloc, site.allowed_hosts) and feed not in self.lister.seen:
                self._spawn_listing(self.lister.feed(site, feed))


async def crawl_async(config: CrawlConfig, store: Store, *, fetcher: Fetcher | None = None,
                      workers: int | None = None, max_pages: int | None = None,
                      progress: Progress | None = None, stop: asyncio.Event | None = None,
                      retry: RetryPolicy | None = None, process=process_page) -> RunSummary:
    """One crawl run inside a running event loop; see `run_crawl`."""
    if max_pages is not None:
        config = replace(config, sites=tuple(replace(s, max_pages=max_pages) for s in config.sites))
    own_fetcher = fetcher is None
    fetcher = fetcher or Fetcher(limits=config.limits, politeness=config.politeness, retry=retry or RetryPolicy())
    if fetcher.allow is None:  # no request leaves the config's hosts (robots.txt redirects included)
        scopes = [Scope.from_site(s) for s in config.sites]
        fetcher.allow = lambda url: any(scope.allows_host(url) for scope in scopes)
    try:
        with WorkerPool(workers, cpu_limit=config.page_cpu_limit) as pool:
            run = CrawlRun(config, store, fetcher, pool, progress or NullProgress(), stop or asyncio.Event(),
                           process)
            return await run.run()
    finally:
        if own_fetcher:
            await fetcher.aclose()


def run_crawl(config: CrawlConfig, store: Store, **options) -> RunSummary:
    """Crawl every site of `config` once into `store` and return what the run did.

    Options: fetcher (a `Fetcher`, e.g. around a mock transport; unless it has its own
    `allow`, the run limits it to the config's allowed hosts), workers (cleaning
    processes; default: one per core, 0 = clean in this process), max_pages (per
    site, overrides the config), progress (a `progress.Progress`), stop (an
    asyncio.Event that ends the run cleanly), retry (a `RetryPolicy` for the default
    fetcher), process (the CPU work of one page, default `work.process_page`: a
    picklable function with its signature, e.g. a wrapper that adds to it). The
    caller holds the `RunLock` (`crawl_locked` takes it for you).
    With workers > 0, call it under `if __name__ == "__main__":` in a script, as
    multiprocessing requires.
    """
    return asyncio.run(crawl_async(config, store, **options))


__all__ = ["CrawlRun", "crawl_async", "run_crawl"]
