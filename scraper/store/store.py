"""`Store`: the one object callers use to persist, search and export pages.

    with Store.open("store/scraper.db") as store:
        store.save(PageRecord(url, body=raw, ...), document)
        for hit in store.search("疫情防控", site="www.gov.cn"):
            print(hit.title, hit.marked())

One Store wraps one SQLite connection (use it from one thread; open another Store
per thread or process — WAL lets readers run beside a writer). Every public method
turns sqlite3 errors into StoreError, so callers handle one family of exceptions.
"""

from __future__ import annotations

import functools
import sqlite3
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, TextIO, TypeVar

from ..errors import StoreError
from ..models import Document, PageRecord
from . import changelog as _changelog
from . import export as _export
from . import reextract as _reextract
from . import runs as _runs
from . import schema  # noqa: F401  (registers the migrations)
from . import search as _search
from . import stats as _stats
from .connection import connect, connect_readonly
from .index import DeferredIndex, PendingIndex
from .entries import load_entry
from .liveness import RunMark, recover_dead_runs
from .migrations import check_version, latest_version, migrate
from .records import Change, Entry, ReextractResult, Run, SaveResult, SearchHit, Stats
from .timeutil import parse_since
from .writer import save_page

F = TypeVar("F", bound=Callable[..., Any])


def _wrap_sqlite(func: F) -> F:
    """Report low-level SQLite failures (locked, disk full, corrupt) as StoreError."""

    @functools.wraps(func)
    def wrapper(self: "Store", *args, **kwargs):
        try:
            return func(self, *args, **kwargs)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: {exc}") from exc

    return wrapper  # type: ignore[return-value]


class Store:
    """A scraper store in one SQLite file (schema: store/README.md)."""

    readonly = False

    def __init__(self, conn: sqlite3.Connection, path: Path):
        self.conn = conn
        self.path = path
        self._depth = 0
        self._marks: dict[int, RunMark] = {}  # runs this Store has started and not finished
        has_index = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'documents_fts'").fetchone()
        self._index = PendingIndex(enabled=bool(has_index))

    # --- opening ------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path, *, create: bool = True, migrate_to: int | None = None,
             readonly: bool = False) -> "Store":
        """Open (creating if allowed) and upgrade the store; SchemaVersionError if it is too new.

        readonly=True (search, show, export, stats, changes, runs) opens an existing store
        without writing anything, so a read-only file or mount works and a file that
        is empty or not a store is refused untouched.
        """
        path = Path(path)
        if readonly:
            return cls._open_readonly(path)
        conn = connect(path, create=create)
        try:
            migrate(conn, str(path), target=migrate_to)
        except BaseException:
            conn.close()
            raise
        return cls(conn, path)

    @classmethod
    def _open_readonly(cls, path: Path) -> "Store":
        conn = connect_readonly(path)
        try:
            version = check_version(conn, str(path))
        except BaseException:
            conn.close()
            raise
        if version == 0:
            conn.close()
            raise StoreError(f"{path} is an empty SQLite database, not a store yet: save something into it first")
        if version < latest_version():  # an older release's store: upgrade it once, then read
            conn.close()
            try:
                cls.open(path, create=False).close()
            except StoreError as exc:
                raise StoreError(f"{path} has schema version {version} and needs an upgrade to "
                                 f"{latest_version()}, which failed: {exc}") from None
            conn = connect_readonly(path)
        store = cls(conn, path)
        store.readonly = True
        return store

    def close(self) -> None:
        """Close the connection; a run still open here is left `running` and, its mark
        released, is marked `interrupted` by the next run (as if this process died)."""
        for mark in self._marks.values():
            mark.release()
        self._marks.clear()
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return check_version(self.conn, str(self.path))

    # --- transactions ---------------------------------------------------------------

    @contextmanager
    def batch(self) -> Iterator["Store"]:
        """Group writes into one transaction: all saved, or (on error or kill) none.

        The search index is updated at the end of the batch, just before COMMIT.
        """
        if self._depth == 0:
            self._execute("BEGIN IMMEDIATE")
        self._depth += 1
        try:
            yield self
            if self._depth == 1:
                self._index.flush(self.conn)
                self._execute("COMMIT")  # may fail (disk full): then everything below rolls back
        except BaseException as exc:
            self._depth -= 1
            if self._depth == 0:
                self._index.clear()
                self._rollback()
            if isinstance(exc, sqlite3.Error):
                raise StoreError(f"{self.path}: {exc}") from exc
            raise
        self._depth -= 1

    @contextmanager
    def bulk(self) -> Iterator["Store"]:
        """One transaction for a large load (`scraper merge`): all of it or none, and the
        search index built once, just before COMMIT, instead of per document."""
        if self._depth:
            raise StoreError("bulk() is one transaction of its own: do not call it inside batch()")
        saved, self._index = self._index, DeferredIndex(self._index.enabled)
        try:
            with self.batch():
                yield self
        finally:
            self._index = saved

    def _execute(self, sql: str) -> None:
        try:
            self.conn.execute(sql)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: {exc}") from exc

    def _rollback(self) -> None:
        """Undo the open transaction, if SQLite has not already (it does on some errors)."""
        if self.conn.in_transaction:
            try:
                self.conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass  # the connection is unusable; the transaction dies with it

    # --- writing ----------------------------------------------------------------------

    @_wrap_sqlite
    def save(self, page: PageRecord, document: Document | None = None, *, run_id: int | None = None,
             site: str | None = None, extractor_version: str | None = None) -> SaveResult:
        """Store one page and its document; see writer.py for the rules."""
        with self.batch():
            return save_page(self.conn, self._index, page, document, run_id=run_id, site=site,
                             extractor_version=extractor_version)

    @_wrap_sqlite
    def save_many(self, items: Iterable[tuple[PageRecord, Document | None]], *, run_id: int | None = None,
                  site: str | None = None, extractor_version: str | None = None) -> list[SaveResult]:
        """Store (page, document) pairs in one transaction."""
        with self.batch():
            return [save_page(self.conn, self._index, page, doc, run_id=run_id, site=site,
                              extractor_version=extractor_version) for page, doc in items]

    @_wrap_sqlite
    def delete(self, url: str) -> bool:
        """Remove a URL with its document and change log, and unindex it."""
        with self.batch():
            doc = self.conn.execute("SELECT id, title, text FROM documents WHERE url = ?", (url,)).fetchone()
            if doc is not None:
                self._index.remove(doc["id"], doc["title"], doc["text"])
            self.conn.execute("DELETE FROM changes WHERE url = ?", (url,))
            self.conn.execute("DELETE FROM documents WHERE url = ?", (url,))
            return self.conn.execute("DELETE FROM pages WHERE url = ?", (url,)).rowcount > 0

    @_wrap_sqlite
    def start_run(self, kind: str, config: Any = None) -> int:
        """Open a run ('crawl', 'clean' or 'reextract'); pass its id to save().

        Runs left `running` by a dead process (SIGKILL, power loss) are marked
        `interrupted` first (liveness.py: each live run holds a lock file)."""
        with self.batch():
            self._recover_runs()
            run_id = _runs.start_run(self.conn, kind, config)
            if self._tracks_runs:
                self._marks[run_id] = RunMark(self.path, run_id)  # before COMMIT makes the row visible
        return run_id

    @_wrap_sqlite
    def finish_run(self, run_id: int, status: str = "ok", counts: dict[str, Any] | None = None) -> None:
        with self.batch():
            _runs.finish_run(self.conn, run_id, status, counts)
        mark = self._marks.pop(run_id, None)
        if mark is not None:
            mark.release()

    @_wrap_sqlite
    def recover_runs(self) -> list[int]:
        """Mark `interrupted` the runs whose process is gone; return their ids."""
        with self.batch():
            return self._recover_runs()

    def _recover_runs(self) -> list[int]:
        if not self._tracks_runs:
            return []
        return recover_dead_runs(self.conn, self.path, set(self._marks))

    @property
    def _tracks_runs(self) -> bool:
        return str(self.path) != ":memory:"

    @_wrap_sqlite
    def reextract(self, clean: Callable[..., Document], *, site: str | None = None,
                  extractor_version: str | None = None, batch_size: int = 200) -> ReextractResult:
        """Re-clean stored bodies with `clean(body, url, content_type=...)`; write only differences."""
        if self._depth:
            raise StoreError("reextract() commits per batch: do not call it inside Store.batch()")
        run_id = self.start_run("reextract", {"site": site, "extractor_version": extractor_version})
        try:
            result = _reextract.reextract(self.conn, clean, run_id, site=site,
                                          extractor_version=extractor_version, batch_size=batch_size)
        except BaseException:
            self.finish_run(run_id, "interrupted")
            raise
        self.finish_run(run_id, "ok" if not result.failed else "failed", {
            "fetched": result.total, "new": result.new, "changed": result.changed,
            "unchanged": result.unchanged, "failed": result.failed,
            "failed_by_reason": result.failed_by_reason,
        })
        return result

    # --- reading ----------------------------------------------------------------------

    @_wrap_sqlite
    def get(self, url: str, *, body: bool = True) -> Entry | None:
        """Everything stored for a URL (raw body decompressed unless body=False)."""
        return load_entry(self.conn, url, with_body=body)

    @_wrap_sqlite
    def search(self, query: str, *, site: str | None = None, since: Any = None, until: Any = None,
               lang: str | None = None, limit: int = 20, offset: int = 0, snippet_width: int = 120,
               rank_window: int | None = _search.RANK_WINDOW) -> list[SearchHit]:
        """Ranked search over title + text (syntax: query.py / store/README.md).

        bm25 ranks the `rank_window` most recent matches (None: all; see search.py).
        """
        return _search.search(self.conn, query, site=site, since=since, until=until, lang=lang,
                              limit=limit, offset=offset, snippet_width=snippet_width,
                              rank_window=rank_window)

    @_wrap_sqlite
    def count(self, query: str, *, site: str | None = None, since: Any = None, until: Any = None,
              lang: str | None = None) -> int:
        return _search.count(self.conn, query, site=site, since=since, until=until, lang=lang)

    @_wrap_sqlite
    def changes(self, since: Any = None, *, site: str | None = None, limit: int | None = None,
                texts: bool = False) -> list[Change]:
        """Documents that appeared or changed since a time ("2024-05-19", "1d"), oldest first.

        texts=True fills each change's `old_text` / `new_text`, for `Change.diff()`.
        """
        return _changelog.list_changes(self.conn, since, site=site, limit=limit, texts=texts)

    def iter_documents(self, *, since: Any = None, site: str | None = None) -> Iterator[dict]:
        """Stream documents (new or changed since `since`) as dicts, constant memory."""
        try:
            yield from _export.iter_documents(self.conn, since=parse_since(since), site=site)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: {exc}") from exc

    def export(self, out: TextIO | str | Path, *, format: str = "jsonl", since: Any = None,
               site: str | None = None) -> int:
        """Write documents as jsonl or csv to a text stream or a file path; return the count."""
        if format not in _export.FORMATS:
            raise StoreError(f"unknown export format {format!r}: use one of {', '.join(_export.FORMATS)}")
        with closing(self.iter_documents(since=since, site=site)) as rows:  # closed while the store is open
            if isinstance(out, (str, Path)):
                return _export.write_file(rows, Path(out), format)
            return _export.write(rows, out, format)

    @_wrap_sqlite
    def run(self, run_id: int) -> Run | None:
        return _runs.get_run(self.conn, run_id)

    @_wrap_sqlite
    def runs(self, limit: int = 20, *, kind: str | None = None) -> list[Run]:
        """The most recent runs (crawl, clean, reextract), newest first."""
        return _runs.recent_runs(self.conn, limit, kind=kind)

    @_wrap_sqlite
    def stats(self) -> Stats:
        return _stats.collect(self.conn, self.path, self.schema_version)
