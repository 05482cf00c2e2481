"""Web archive pages into the store, as a crawl would have stored them.

`process_fetched` is the CPU side of one archived page: the crawl's own
`work.process_page` (sniff, decode with the HTTP charset, clean, article or list,
MinHash), without following links. `commit` writes its result like the crawl's
committer: page (raw body kept, so `reextract` works), document, near-duplicate
keys, run counters; the latest fetch of a URL wins (a record not newer than what the
store holds for that URL is skipped as `not_newer`). `import_archives` drives both for
`scraper import`; `scraper merge` reuses `commit` for Parquet shards and stores.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter, deque
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable, Iterator

from ..models import Document, Fetched, PageRecord
from .records import WarcPage, Skipped, iter_archive

BATCH = 64  # pages per transaction, as in a crawl
NOT_KEPT = ("not_html", "empty", "too_large", "too_slow")  # = crawl.commit._kept_body


@dataclass(frozen=True)
class Ingested:
    """One page ready for the store: the page row, its document (articles only), MinHash."""

    page: PageRecord
    document: Document | None = None
    minhash: bytes = b""


@dataclass(frozen=True)
class ImportSummary:
    """What `import_archives` did: its run's id and counters, plus what reading skipped."""

    run_id: int
    status: str
    fetched: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    lists: int = 0
    failed: int = 0
    duplicates: int = 0
    near_duplicates: int = 0
    failed_by_reason: dict[str, int] = field(default_factory=dict)
    skipped_by_reason: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == "ok" and not self.failed


def _rules():
    from ..crawl.urls import Scope
    from ..crawl.work import SiteRules

    return SiteRules(Scope(hosts=()), max_links=0)  # no links followed: nothing to crawl


def process_fetched(fetched: Fetched) -> Ingested:
    """The crawl's CPU work on one archived response; never raises."""
    from ..crawl.urls import normalize_url
    from ..crawl.work import process_page

    try:
        key = normalize_url(fetched.url)
    except ValueError:
        key = fetched.url
    done = process_page(fetched.body, fetched.url, fetched.content_type, _rules())
    return ingested_from(fetched, key, done)


def ingested_from(fetched: Fetched, key: str, done) -> Ingested:
    """A crawl worker's `Processed` as the page row the crawl's committer would write."""
    keep = not (done.error and done.error[0] in NOT_KEPT)
    page = PageRecord(
        url=key, final_url=fetched.final_url or fetched.url, status=fetched.status,
        content_type=fetched.content_type, etag=fetched.etag, last_modified=fetched.last_modified,
        fetched_at=fetched.fetched_at, encoding=done.encoding, encoding_source=done.encoding_source,
        body=fetched.body if keep else None, error=f"{done.error[0]}: {done.error[1]}" if done.error else None,
        kind=done.kind, kind_reason=done.kind_reason)
    return Ingested(page, done.document, done.minhash)


def failed_page(fetched: Fetched, message: str) -> Ingested:
    """A page whose cleaning was stopped (too slow) or whose worker died: no body kept."""
    from ..crawl.urls import normalize_url

    try:
        key = normalize_url(fetched.url)
    except ValueError:
        key = fetched.url
    page = PageRecord.from_fetched(fetched, url=key, error=message)
    return Ingested(replace(page, body=None))


# --- writing ------------------------------------------------------------------------------


def stored_at(store, url: str) -> str | None:
    row = store.conn.execute("SELECT fetched_at FROM pages WHERE url = ?", (url,)).fetchone()
    return row[0] if row else None


def commit(store, run_id: int, item: Ingested, extractor_version: str | None, skipped: Counter) -> str:
    """Write one page inside the caller's transaction; its outcome (or 'not_newer')."""
    from ..crawl import neardup
    from ..crawl.summary import bump
    from ..store.timeutil import normalize_timestamp

    held = stored_at(store, item.page.url)
    incoming = normalize_timestamp(item.page.fetched_at) if item.page.fetched_at else None
    if held is not None and incoming is not None and held >= incoming:
        skipped["not_newer"] += 1
        return "not_newer"
    result = store.save(item.page, item.document, run_id=run_id, extractor_version=extractor_version)
    if item.document is not None and result.outcome in ("new", "changed") and item.minhash:
        if neardup.record(store.conn, item.page.url, item.minhash, item.document.text):
            bump(store.conn, run_id, "near_duplicates")
    return result.outcome


@contextmanager
def recorded(store, run_id: int, skipped: Counter) -> Iterator[None]:
    """The run's end, whatever happens in the block: `ok`, `interrupted` (Ctrl-C) or
    `failed`, with what was skipped by reason."""
    status = "failed"
    try:
        yield
        status = "ok"
    except KeyboardInterrupt:
        status = "interrupted"
        raise
    finally:
        with store.batch():
            store.conn.execute("UPDATE runs SET skipped_by_reason = ? WHERE id = ?",
                               (json.dumps(dict(skipped), ensure_ascii=False), run_id))
        store.finish_run(run_id, status)


def summary_of(store, run_id: int) -> ImportSummary:
    row = store.conn.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
    return ImportSummary(
        run_id=run_id, status=row["status"], fetched=row["fetched"], new=row["new"], changed=row["changed"],
        unchanged=row["unchanged"], lists=row["lists"], failed=row["failed"], duplicates=row["duplicates"],
        near_duplicates=row["near_duplicates"], failed_by_reason=json.loads(row["failed_by_reason"] or "{}"),
        skipped_by_reason=json.loads(row["skipped_by_reason"] or "{}"))


# --- scraper import ---------------------------------------------------------------------


def archive_items(paths: Iterable[str | Path], skipped: Counter, warn=None) -> Iterator[WarcPage]:
    """The HTML pages of every archive, in order; the rest counted in `skipped` by reason."""
    for path in paths:
        for item in iter_archive(path):
            if isinstance(item, WarcPage):
                yield item
            elif isinstance(item, Skipped) and item.reason != "not_response":
                skipped[item.reason] += 1
                if warn and item.reason in ("truncated", "unreadable"):
                    warn(f"{item.path}: {item.message}")


def import_archives(paths: Iterable[str | Path], store, *, workers: int = 0, cpu_limit: float | None = 60.0,
                    extractor_version: str | None = None, warn=None) -> ImportSummary:
    """Clean and store every HTML response of WARC/ARC files (= `scraper import`).

    workers: cleaning processes (0: in this process, no CPU limit); cpu_limit: CPU
    seconds one page may take in a worker (over it: failed as `too_slow`)."""
    from .. import __version__

    paths = [str(p) for p in paths]
    for path in paths:  # a missing file is an error before any run starts
        if not Path(path).is_file():
            _missing(path)
    run_id = store.start_run("import", {"paths": paths})
    skipped: Counter = Counter()
    with recorded(store, run_id, skipped):
        asyncio.run(_import(paths, store, run_id, workers, cpu_limit, extractor_version or __version__,
                            skipped, warn))
    return summary_of(store, run_id)


def _missing(path: str) -> None:
    from ..errors import InputError

    raise InputError(f"{path}: no such file" if not Path(path).exists() else f"{path}: not a file")


async def _import(paths, store, run_id, workers, cpu_limit, version, skipped, warn) -> None:
    from concurrent.futures.process import BrokenProcessPool

    from ..crawl.pool import TooSlowError, WorkerPool

    pending: deque = deque()
    ready: list[Ingested] = []

    def flush() -> None:
        with store.batch():
            for item in ready:
                commit(store, run_id, item, version, skipped)
        ready.clear()

    with WorkerPool(workers, cpu_limit=cpu_limit) as pool:
        async def one(page: WarcPage) -> Ingested:
            try:
                return await pool.run(process_fetched, page.fetched)
            except TooSlowError as exc:
                return failed_page(page.fetched, f"too_slow: {exc}")
            except BrokenProcessPool as exc:
                return failed_page(page.fetched, f"worker_crashed: the cleaning worker died: {exc}")

        window = max(1, 4 * workers)
        for page in archive_items(paths, skipped, warn):
            pending.append(asyncio.ensure_future(one(page)))
            while len(pending) >= window or (pending and pending[0].done()):
                ready.append(await pending.popleft())
                if len(ready) >= BATCH:
                    flush()
        while pending:
            ready.append(await pending.popleft())
        flush()
