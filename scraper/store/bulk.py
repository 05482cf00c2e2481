"""Bulk loading (import, merge): many pages at once, with the same outcome as `save`.

`Store.bulk_load()` gives a `BulkWriter`; `Store.save_bulk(items)` drives one. What it
does differently from calling `save` for each page, and why it is faster:

- Python work (compressing the body, hashing, CJK bigram tokens) is done in a
  helper thread for the next group of pages while SQLite writes the current one:
  zstd, sha256 and SQLite itself release the GIL, so both cores work.
- A group (GROUP pages) is planned with two queries (which URLs are stored, which
  text hashes are), and its new pages, documents and change-log rows go in with one
  `executemany` each, ids assigned in order; the run's counters are added once.
- The search-index rows of a chunk (`chunk` pages, one transaction) are written
  together just before its COMMIT, as `batch()` does, so each commit holds rows and
  index together: an error or a kill loses only the chunk in progress, never leaves
  a document unsearchable; earlier chunks stay.

A page whose URL is already stored (or comes twice), or that carries an error, goes
through `save_page`, the per-document path, in its place in the order: changed /
unchanged, failures, duplicates and the change log come out as `save` makes them.
Near duplicates are the caller's (the store knows no MinHash): `on_chunk(conn, written)`
is called once per chunk, before its COMMIT, with the (url, document) pairs the chunk
stored as new or changed, so an importer can run `scraper.crawl.neardup.record` on them
and have its rows commit (or roll back) with the chunk.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable

from ..errors import StoreError
from ..models import Document, PageRecord
from .compress import DEFAULT_CODEC, compress
from .fts import index_tokens
from .timeutil import normalize_timestamp, now
from .writer import DOC_FIELDS, save_page, site_of

if TYPE_CHECKING:
    from .store import Store

GROUP = 1000  # pages planned and written together
CHUNK = 20_000  # pages per transaction (index written once per chunk)
BULK_CACHE_KIB = 262_144  # page cache while loading: the url and hash indexes of ~1M pages stay in memory

_PAGE_INSERT = """
INSERT INTO pages (url, site, final_url, status, content_type, etag, last_modified, fetched_at,
  encoding, encoding_source, kind, kind_reason, error, run_id, body_hash, body_size, body_codec, body)
VALUES (:url, :site, :final_url, :status, :content_type, :etag, :last_modified, :fetched_at,
  :encoding, :encoding_source, :kind, :kind_reason, NULL, :run_id, :body_hash, :body_size, :body_codec, :body)
"""
_DOC_INSERT = (
    "INSERT INTO documents (id, url, site, " + ", ".join(f for f in DOC_FIELDS if f != "text")
    + ", text_hash, duplicate_of, extractor_version, first_seen, last_seen, last_changed, text) VALUES (:id, :url, :site, "
    + ", ".join(f":{f}" for f in DOC_FIELDS if f != "text")
    + ", :text_hash, :duplicate_of, :extractor_version, :seen, :seen, :seen, :text)"
)
_CHANGE_INSERT = (
    "INSERT INTO changes (url, kind, changed_at, old_hash, new_hash, old_length, new_length, old_text, run_id) "
    "VALUES (?, 'new', ?, NULL, ?, NULL, ?, NULL, ?)"
)
_FTS_INSERT = "INSERT INTO documents_fts (rowid, title, text) VALUES (?, ?, ?)"
_RUN_ADD = """
UPDATE runs SET fetched = fetched + :fetched, new = new + :new, duplicates = duplicates + :duplicates,
  lists = lists + :lists WHERE id = :run_id
"""


@dataclass
class Prepared:
    """One page with the Python-side work done (in the helper thread)."""

    page: PageRecord
    document: Document | None
    site: str
    params: dict  # the pages row
    text_hash: str | None = None
    tokens: tuple[str, str] | None = None  # index form of title and text
    row: dict | None = None  # the documents row, less what is decided when it is written


@dataclass
class BulkResult:
    """What a bulk load did: counts per outcome, as a run counts them."""

    new: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: int = 0
    lists: int = 0  # pages stored without a document
    duplicates: int = 0

    @property
    def total(self) -> int:
        return self.new + self.changed + self.unchanged + self.failed + self.lists

    def add(self, outcome: str, duplicate: bool = False, n: int = 1) -> None:
        setattr(self, outcome, getattr(self, outcome) + n)
        self.duplicates += int(duplicate) * n


def prepare(items: list[tuple[PageRecord, Document | None]], site: str | None, run_id: int | None) -> list[Prepared]:
    """Validate and precompute a group of pages (runs in the helper thread)."""
    out = []
    for page, doc in items:
        if not isinstance(page, PageRecord) or not page.url:
            raise StoreError("save() needs a PageRecord with a non-empty url")
        if page.error and doc is not None:
            raise StoreError(f"{page.url}: a page with an error cannot also carry a document")
        body = page.body
        params = {
            "url": page.url, "site": site or site_of(page.url), "final_url": page.final_url, "status": page.status,
            "content_type": page.content_type, "etag": page.etag, "last_modified": page.last_modified,
            "fetched_at": normalize_timestamp(page.fetched_at) or now(), "encoding": page.encoding,
            "encoding_source": page.encoding_source, "kind": page.kind, "kind_reason": page.kind_reason,
            "run_id": run_id, "body_hash": hashlib.sha256(body).hexdigest() if body is not None else None,
            "body_size": len(body) if body is not None else None,
            "body_codec": DEFAULT_CODEC if body is not None else None,
            "body": compress(body) if body is not None else None,
        }
        prepared = Prepared(page, doc, params["site"], params)
        if doc is not None and not page.error:
            prepared.text_hash = doc.text_hash
            prepared.tokens = (index_tokens(doc.title), index_tokens(doc.text))
            prepared.row = {f: getattr(doc, f) for f in DOC_FIELDS}
            prepared.row.update(url=page.url, site=params["site"], text_hash=prepared.text_hash,
                                seen=params["fetched_at"])
        out.append(prepared)
    return out


class BulkWriter:
    """Saves pages in groups and chunks; use through `Store.bulk_load()` (a context manager)."""

    def __init__(self, store: "Store", *, run_id: int | None, site: str | None, extractor_version: str | None,
                 chunk: int = CHUNK, group: int | None = None,
                 on_chunk: Callable[[sqlite3.Connection, list[tuple[str, Document]]], None] | None = None):
        group = group or GROUP
        if chunk < 1 or group < 1:
            raise StoreError("bulk: chunk and group must be at least 1")
        self.store, self.conn = store, store.conn
        self.run_id, self.site, self.extractor_version = run_id, site, extractor_version
        self.chunk, self.group = chunk, min(group, chunk)
        self.result = BulkResult()
        self.on_chunk = on_chunk
        self._written: list[tuple[str, Document]] = []  # new or changed documents of the open chunk
        self._queue: list[tuple[PageRecord, Document | None]] = []
        self._pending: Future | None = None  # the group being prepared
        self._fts: list[tuple[int, str, str]] = []  # index rows of the open chunk
        self._in_chunk = 0
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="scraper-bulk")
        self._fast = store.schema_version >= 8 and store._index.enabled  # older schemas: save_page only
        self._transaction = None
        self._cache = self.conn.execute("PRAGMA cache_size").fetchone()[0]
        self.conn.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")

    # --- feeding ---------------------------------------------------------------------

    def save(self, page: PageRecord, document: Document | None = None) -> None:
        """Queue one page (and its document); written with its group, committed with its chunk."""
        self._queue.append((page, document))
        if len(self._queue) >= self.group:
            self._submit()

    def save_many(self, items: Iterable[tuple[PageRecord, Document | None]]) -> None:
        for page, document in items:
            self.save(page, document)

    def _submit(self) -> None:
        items, self._queue = self._queue, []
        future = self._pool.submit(prepare, items, self.site, self.run_id)
        previous, self._pending = self._pending, future
        if previous is not None:
            self._write(previous.result())  # prepared meanwhile; the next group is prepared now

    def finish(self) -> BulkResult:
        """Write what is queued, then commit the last chunk."""
        if self._queue:
            self._submit()
        if self._pending is not None:
            pending, self._pending = self._pending, None
            self._write(pending.result())
        self._commit()
        return self.result

    def abort(self, exc: BaseException) -> None:
        """Roll back the open chunk (the ones committed before it stay)."""
        self._queue.clear()
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
        self._fts.clear()
        self._written.clear()
        if self._transaction is not None:
            transaction, self._transaction = self._transaction, None
            try:
                transaction.__exit__(type(exc), exc, exc.__traceback__)  # rolls back (or leaves it to an outer batch)
            except BaseException:
                pass  # the caller re-raises the original error

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        self.conn.execute(f"PRAGMA cache_size = {int(self._cache)}")

    # --- writing ----------------------------------------------------------------------

    def _begin(self) -> None:
        if self._transaction is None:
            self._transaction = self.store.batch()
            self._transaction.__enter__()

    def _commit(self) -> None:
        if self._transaction is None:
            return
        if self._fts:
            self.conn.executemany(_FTS_INSERT, self._fts)
            self._fts = []
        written, self._written = self._written, []
        if self.on_chunk is not None and written:
            self.on_chunk(self.conn, written)
        transaction, self._transaction = self._transaction, None
        self._in_chunk = 0
        transaction.__exit__(None, None, None)  # flushes the per-document index queue, COMMIT

    def _write(self, group: list[Prepared]) -> None:
        while group:
            self._begin()
            room = self.chunk - self._in_chunk
            part, group = group[:room], group[room:]
            self._write_part(part)
            self._in_chunk += len(part)
            if self._in_chunk >= self.chunk:
                self._commit()

    def _write_part(self, part: list[Prepared]) -> None:
        """Fast-path the new pages; any other page goes through save_page in its place."""
        start = 0
        while start < len(part):
            rest = part[start:]
            fast = self._plan(rest) if self._fast else 0
            self._insert_new(rest[:fast])
            start += fast
            if start < len(part):
                self._save_one(part[start])
                start += 1

    def _plan(self, items: list[Prepared]) -> int:
        """How many leading items are new URLs without errors (seen neither stored nor earlier)."""
        urls = json.dumps([p.params["url"] for p in items])
        stored = {r[0] for r in self.conn.execute(
            "SELECT url FROM pages WHERE url IN (SELECT value FROM json_each(?))", (urls,))}
        seen: set[str] = set()
        for n, p in enumerate(items):
            url = p.params["url"]
            if p.page.error or url in stored or url in seen:
                return n
            seen.add(url)
        return len(items)

    def _insert_new(self, items: list[Prepared]) -> None:
        if not items:
            return
        conn = self.conn
        self._check_run()
        hashes = json.dumps([p.text_hash for p in items if p.text_hash])
        first: dict[str, str] = dict(conn.execute(
            "SELECT text_hash, url FROM documents WHERE id IN (SELECT min(id) FROM documents "
            "WHERE text_hash IN (SELECT value FROM json_each(?)) GROUP BY text_hash)", (hashes,)).fetchall())
        next_id = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM documents").fetchone()[0]
        docs, changes, duplicates = [], [], 0
        for p in items:
            doc = p.document
            if doc is None:
                continue
            dup = first.setdefault(p.text_hash, p.params["url"])
            dup = None if dup == p.params["url"] else dup
            duplicates += dup is not None
            docs.append({**p.row, "id": next_id, "duplicate_of": dup, "extractor_version": self.extractor_version})
            changes.append((p.params["url"], p.row["seen"], p.text_hash, len(doc.text), self.run_id))
            self._written.append((p.params["url"], doc))
            self._fts.append((next_id, *p.tokens))
            next_id += 1
        conn.executemany(_PAGE_INSERT, [p.params for p in items])
        conn.executemany(_DOC_INSERT, docs)
        conn.executemany(_CHANGE_INSERT, changes)
        lists = len(items) - len(docs)
        if self.run_id is not None:
            conn.execute(_RUN_ADD, {"fetched": len(items), "new": len(docs), "duplicates": duplicates,
                                    "lists": lists, "run_id": self.run_id})
        self.result.add("new", n=len(docs))
        self.result.add("lists", n=lists)
        self.result.duplicates += duplicates

    def _save_one(self, p: Prepared) -> None:
        """The per-document path; the chunk's index rows go first, so an update of a
        document loaded earlier in this chunk unindexes what is really indexed."""
        if self._fts:
            self.conn.executemany(_FTS_INSERT, self._fts)
            self._fts = []
        result = save_page(self.conn, self.store._index, p.page, p.document, run_id=self.run_id, site=self.site,
                           extractor_version=self.extractor_version)
        outcome = result.outcome if p.document is not None or p.page.error else (
            "lists" if self.conn.execute("SELECT 1 FROM documents WHERE url = ?", (p.page.url,)).fetchone() is None
            else result.outcome)
        self.result.add(outcome, duplicate=result.duplicate_of is not None and outcome in ("new", "changed"))
        if p.document is not None and outcome in ("new", "changed"):
            self._written.append((p.page.url, p.document))

    def _check_run(self) -> None:
        if self.run_id is not None and not self.conn.execute(
                "SELECT 1 FROM runs WHERE id = ?", (self.run_id,)).fetchone():
            raise StoreError(f"no run with id {self.run_id}: start one with Store.start_run()")
