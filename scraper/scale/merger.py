"""`scraper merge SOURCE... --db store.db`: Parquet shards and other stores into one store.

One writer, one transaction (`Store.bulk`): a killed merge leaves the store as it
was, and running it again does the same work. The latest fetch of each URL wins,
over all sources and against what the store already holds (a source row that is not
newer is skipped as `not_newer`, so merging twice changes nothing); each winner is
written like a crawled page (`warc.ingest.commit`: exact duplicates by text hash,
near duplicates by MinHash, a `changes` row for new or changed text), and the search
index is built once, at the end. A store source gives its pages with their raw bodies
and documents as stored (not cleaned again), and its MinHash signatures.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import ConfigError
from ..models import Document, PageRecord
from ..warc.ingest import ImportSummary, Ingested, commit, recorded, summary_of

_STORE_ROWS = """
SELECT p.url, p.final_url, p.status, p.content_type, p.etag, p.last_modified, p.fetched_at, p.encoding,
  p.encoding_source, p.kind, p.kind_reason, p.error, p.body, p.body_codec,
  d.id AS doc_id, d.title, d.text, d.date, d.source, d.author, d.editor, d.site_name, d.lang, d.canonical_url,
  d.description, d.page_type, d.encoding AS doc_encoding, d.encoding_source AS doc_encoding_source, m.signature
FROM pages AS p LEFT JOIN documents AS d ON d.url = p.url LEFT JOIN doc_minhash AS m ON m.doc_id = d.id
"""
_DOC_COLUMNS = ("title", "text", "date", "source", "author", "editor", "site_name", "lang", "canonical_url",
                "description", "page_type")


class _Source:
    """Shards (a directory of them, or one file) or a store: rows as `Ingested`."""

    def __init__(self, path: Path):
        from .shards import SUFFIX, shards_in

        self.path = path
        if path.is_dir():
            self.shards = shards_in(path)
            if not self.shards:
                raise ConfigError(f"{path}: no Parquet shards in this directory (made by scraper batch)")
        elif path.suffix == SUFFIX:
            self.shards = [path]
        elif path.is_file():
            self.shards = []
        else:
            raise ConfigError(f"{path}: no such file or directory")

    def keys(self) -> Iterator[tuple[str, str | None]]:
        """(url, fetched_at) of every row, in the order `items` yields them."""
        if self.shards:
            from .shards import iter_rows

            for shard in self.shards:
                for row in iter_rows(shard, ["url", "fetched_at"], batch_size=4096):
                    yield row["url"], row["fetched_at"]
            return
        with self._store() as store:
            yield from store.conn.execute("SELECT url, fetched_at FROM pages")

    def items(self) -> Iterator[Ingested]:
        if self.shards:
            from .shards import ingested_of, iter_rows

            for shard in self.shards:
                for row in iter_rows(shard):
                    yield ingested_of(row)
            return
        from ..store.compress import decompress

        with self._store() as store:
            for row in store.conn.execute(_STORE_ROWS):
                page = PageRecord(**{k: row[k] for k in ("url", "final_url", "status", "content_type", "etag",
                                                         "last_modified", "fetched_at", "encoding",
                                                         "encoding_source", "kind", "kind_reason", "error")},
                                  body=decompress(row["body"], row["body_codec"]))
                doc = None
                if row["doc_id"] is not None:
                    doc = Document(url=row["url"], encoding=row["doc_encoding"],
                                   encoding_source=row["doc_encoding_source"], **{k: row[k] for k in _DOC_COLUMNS})
                yield Ingested(page, doc, row["signature"] or b"")

    def skipped(self) -> Counter:
        from .shards import shard_skipped

        return sum((Counter(shard_skipped(s)) for s in self.shards), Counter())

    def _store(self):
        from ..store import Store

        try:
            return Store.open(self.path, readonly=True)
        except sqlite3.Error as exc:
            raise ConfigError(f"{self.path}: not a store nor a Parquet shard: {exc}") from None


def _winners(sources: list[_Source]) -> dict[str, tuple[str, int, int]]:
    """URL -> (fetched_at, source, row) of its latest fetch; the first of equals wins."""
    best: dict[str, tuple[str, int, int]] = {}
    for s, source in enumerate(sources):
        for r, (url, fetched_at) in enumerate(source.keys()):
            mine = (fetched_at or "", s, r)
            held = best.get(url)
            if held is None or mine[0] > held[0]:
                best[url] = mine
    return best


def merge(sources: Iterable[str | Path], store, *, extractor_version: str | None = None) -> ImportSummary:
    """Load shards and stores into `store` in one transaction (= `scraper merge`)."""
    from .. import __version__

    opened = [_Source(Path(p)) for p in sources]
    if not opened:
        raise ConfigError("nothing to merge: give directories of shards, shard files or stores")
    for source in opened:
        if not source.shards and Path(source.path).resolve() == Path(store.path).resolve():
            raise ConfigError(f"{source.path}: is the store being merged into")
    run_id = store.start_run("merge", {"sources": [str(s.path) for s in opened]})
    skipped: Counter = Counter()
    with recorded(store, run_id, skipped):
        best = _winners(opened)
        with store.bulk():
            for s, source in enumerate(opened):
                skipped.update(source.skipped())
                for r, item in enumerate(source.items()):
                    if best.get(item.page.url, (None, s, r))[1:] != (s, r):
                        skipped["superseded"] += 1  # a later fetch of the URL is merged instead
                        continue
                    commit(store, run_id, item, extractor_version or __version__, skipped)
    return summary_of(store, run_id)
