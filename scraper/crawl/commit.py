"""Writing what visits produced: page + document + frontier row + new links + run
counters of a URL, in one transaction with the other visits of the batch.

A kill before COMMIT loses the whole batch and nothing else: its frontier rows are
still in_progress, go back to queued at the next start (`Frontier.recover`), and
are fetched again; a kill after COMMIT loses nothing. So no page is lost and none
is stored twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

from ..sources.http import now_iso
from ..models import Fetched, PageRecord
from ..store import Store
from . import neardup
from .config import SiteConfig
from .dedup import ShingleCache
from .frontier import Frontier, FrontierItem, NewURL
from .summary import bump, bump_skipped
from .urls import normalize_url
from .work import Processed

log = logging.getLogger(__name__)

VisitStatus = Literal["page", "not_modified", "failed", "deferred", "skipped"]


@dataclass(frozen=True)
class Visit:
    """The result of visiting one frontier URL, ready to be written.

    page: fetched (key = normalised final URL) and processed; not_modified: a 304;
    failed: reason + message; deferred: robots.txt unavailable, retry in `wait` s;
    skipped: not fetched on purpose (robots disallow, redirect out of scope).
    """

    item: FrontierItem
    status: VisitStatus
    fetched: Fetched | None = None
    key: str | None = None
    chain: tuple[str, ...] = ()
    processed: Processed | None = None
    reason: str | None = None
    message: str | None = None
    wait: float = 0.0
    http_status: int | None = None

    @property
    def error(self) -> str | None:
        return f"{self.reason}: {self.message}" if self.reason else None


@dataclass(frozen=True)
class Written:
    """What a visit became in the store, for the progress display."""

    outcome: str  # new | changed | unchanged (documents) | list | failed | deferred | skipped | duplicate-redirect
    reason: str | None = None
    enqueued: int = 0


def _kept_body(fetched: Fetched, done: Processed) -> bytes | None:
    """The raw body is kept for HTML (reextract can retry it), not for a PDF or image, nor
    for a page that ran over the CPU limit (reextract cleans in its own process)."""
    if done.error and done.error[0] in ("not_html", "empty", "too_large", "too_slow"):
        return None
    return fetched.body


def _revisit(site: SiteConfig, kind: str | None) -> float:
    return site.revisit_articles if kind == "article" else site.revisit_lists


class Committer:
    """Applies visits to the store; call `write(visits)` from the event-loop thread."""

    def __init__(self, store: Store, frontier: Frontier, sites: dict[str, SiteConfig], extractor_version: str):
        self.store = store
        self.frontier = frontier
        self.sites = sites
        self.run_id = frontier.run_id
        self.extractor_version = extractor_version
        self.shingles = ShingleCache()  # near-duplicate candidates are mostly this run's pages

    def write(self, visits: list[Visit]) -> list[Written]:
        with self.store.batch():
            return [self._one(v) for v in visits]

    def _one(self, visit: Visit) -> Written:
        site = self.sites[visit.item.site]
        handler = getattr(self, "_" + visit.status)
        return handler(visit, site)

    def _page(self, visit: Visit, site: SiteConfig) -> Written:
        item, fetched, done = visit.item, visit.fetched, visit.processed
        assert fetched is not None and done is not None and visit.key is not None
        key = visit.key
        if key != item.url:  # redirected: the page lives under its final URL
            self._mark_chain(visit, site)
            if self.frontier.handled(key):
                return Written("duplicate-redirect")
        page = PageRecord(
            url=key, final_url=fetched.final_url, status=fetched.status, content_type=fetched.content_type,
            etag=fetched.etag, last_modified=fetched.last_modified, fetched_at=fetched.fetched_at,
            encoding=done.encoding, encoding_source=done.encoding_source, body=_kept_body(fetched, done),
            error=f"{done.error[0]}: {done.error[1]}" if done.error else None, kind=done.kind,
            kind_reason=done.kind_reason,
        )
        result = self.store.save(page, done.document, run_id=self.run_id, extractor_version=self.extractor_version)
        if done.document is not None and result.outcome in ("new", "changed"):
            if neardup.record(self.store.conn, key, done.minhash, done.document.text, packed=done.shingles,
                              cache=self.shingles):
                bump(self.store.conn, self.run_id, "near_duplicates")
        if done.error:
            self.frontier.failed(key, page.error or "", site.revisit_articles)
        else:
            self.frontier.done(key, done.kind, _revisit(site, done.kind), site=site.name, depth=item.depth)
        enqueued = self._enqueue(site, item.depth + 1, done.links, key)
        if done.error:
            return Written("failed", done.error[0], enqueued)
        return Written(result.outcome if done.document is not None else "list", None, enqueued)

    def _mark_chain(self, visit: Visit, site: SiteConfig) -> None:
        """The chain's earlier URLs are seen: revisited with the articles, never queued again."""
        for url in {visit.item.url, *(self._key(u) for u in visit.chain[:-1])}:
            self.frontier.done(url, "redirect", site.revisit_articles, site=site.name, depth=visit.item.depth)

    @staticmethod
    def _key(url: str) -> str:
        try:
            return normalize_url(url)
        except ValueError:
            return url

    def _enqueue(self, site: SiteConfig, depth: int, links: tuple[tuple[str, str], ...], source: str) -> int:
        if depth > site.max_depth or not links:
            return 0
        return self.frontier.enqueue(site.name, (NewURL(u, depth, kind, source) for u, kind in links))

    def _not_modified(self, visit: Visit, site: SiteConfig) -> Written:
        item, fetched = visit.item, visit.fetched
        page = PageRecord(url=item.url, status=304, fetched_at=fetched.fetched_at if fetched else None,
                          kind=item.kind)
        self.store.save(page, None, run_id=self.run_id)
        self.frontier.done(item.url, item.kind, _revisit(site, item.kind), site=site.name)
        return Written("unchanged" if item.kind == "article" else "list")

    def _failed(self, visit: Visit, site: SiteConfig) -> Written:
        item = visit.item
        page = PageRecord(url=item.url, status=visit.http_status, fetched_at=now_iso(), error=visit.error,
                          kind=item.kind)
        self.store.save(page, None, run_id=self.run_id)
        self.frontier.failed(item.url, visit.error or "", site.revisit_articles)
        return Written("failed", visit.reason)

    def _deferred(self, visit: Visit, site: SiteConfig) -> Written:
        self.frontier.defer(visit.item.url, visit.wait)
        bump(self.store.conn, self.run_id, "deferred")
        return Written("deferred", visit.reason)

    def _skipped(self, visit: Visit, site: SiteConfig) -> Written:
        self.frontier.skipped(visit.item.url, visit.reason or "skipped", site.revisit_articles)
        bump_skipped(self.store.conn, self.run_id, visit.reason or "skipped")
        return Written("skipped", visit.reason)

