"""Re-clean every stored article body with the current extractor, without refetching.

List pages (栏目 / index pages the crawler read for links, `pages.kind = 'list'`)
are not articles: they are never cleaned by a crawl, so not by reextract either.

The cleaning function is injected (the CLI passes `scraper.clean`), so the store
never imports HTML code. Bodies are read in keyset-paged batches (constant memory);
cleaning happens outside any transaction and each batch's writes commit together,
so a crawl can keep writing meanwhile and an interrupted run keeps finished batches.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from typing import Callable, Iterator

from ..models import Document
from .compress import decompress
from .index import PendingIndex
from .records import ReextractResult
from .timeutil import now
from .writer import DOC_FIELDS, write_document

CleanFn = Callable[..., Document]

# Articles only: a page the crawler called a list page is kept for its links and was
# never meant to have main content; re-cleaning it would only report failures.
_BATCH_SQL = """
SELECT p.url, p.site, p.content_type, p.body, p.body_codec, p.fetched_at FROM pages AS p
WHERE p.url > :after AND p.body IS NOT NULL AND (:site IS NULL OR p.site = :site)
  AND coalesce(p.kind, 'article') <> 'list'
  AND ((p.status IS NULL OR p.status < 400) AND coalesce(p.kind, 'article') = 'article'
       OR EXISTS (SELECT 1 FROM documents AS d WHERE d.url = p.url))
ORDER BY p.url LIMIT :batch
"""
_META_UPDATE = """
UPDATE documents SET title = :title, date = :date, source = :source, author = :author, editor = :editor,
  site_name = :site_name, lang = :lang, canonical_url = :canonical_url, description = :description,
  encoding = :encoding, encoding_source = :encoding_source, page_type = :page_type,
  extractor_version = coalesce(:extractor_version, extractor_version)
WHERE id = :id
"""


def _batches(conn: sqlite3.Connection, site: str | None, size: int) -> Iterator[list[sqlite3.Row]]:
    after = ""
    while True:
        rows = conn.execute(_BATCH_SQL, {"after": after, "site": site, "batch": size}).fetchall()
        if not rows:
            return
        yield rows
        after = rows[-1]["url"]


def _clean_one(clean: CleanFn, row: sqlite3.Row) -> Document | Exception:
    try:
        return clean(decompress(row["body"], row["body_codec"]), row["url"], content_type=row["content_type"])
    except Exception as exc:  # one bad page must not stop the run; it is counted by reason
        return exc


def _apply(conn: sqlite3.Connection, index: PendingIndex, row: sqlite3.Row, doc: Document, run_id: int,
           extractor_version: str | None) -> str:
    """Write one re-extracted document if it differs; return new/changed/text_changed/unchanged."""
    old = conn.execute("SELECT * FROM documents WHERE url = ?", (row["url"],)).fetchone()
    if old is None or old["text_hash"] != doc.text_hash:
        write_document(conn, index, row["url"], row["site"], doc,
                       (old["id"], old["text_hash"]) if old else None, seen=None if old else row["fetched_at"],
                       changed_at=now(), run_id=run_id, extractor_version=extractor_version)
        conn.execute("UPDATE pages SET error = NULL WHERE url = ?", (row["url"],))
        return "new" if old is None else "text_changed"
    fields = {f: getattr(doc, f) for f in DOC_FIELDS if f != "text"}
    if all(old[f] == v for f, v in fields.items()):
        return "unchanged"
    conn.execute(_META_UPDATE, {**fields, "id": old["id"], "extractor_version": extractor_version})
    if old["title"] != doc.title:  # the title is indexed
        index.remove(old["id"], old["title"], old["text"])
        index.add(old["id"], doc.title, old["text"])
    return "changed"


def reextract(conn: sqlite3.Connection, clean: CleanFn, run_id: int, *, site: str | None = None,
              extractor_version: str | None = None, batch_size: int = 200) -> ReextractResult:
    counts: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    index = PendingIndex()
    for rows in _batches(conn, site.lower() if site else None, batch_size):
        results = [(row, _clean_one(clean, row)) for row in rows]
        conn.execute("BEGIN IMMEDIATE")
        try:
            for row, result in results:
                if isinstance(result, Exception):
                    counts["failed"] += 1
                    reasons[type(result).__name__] += 1
                else:
                    counts[_apply(conn, index, row, result, run_id, extractor_version)] += 1
            index.flush(conn)
            conn.execute("COMMIT")
        except BaseException:
            index.clear()
            conn.execute("ROLLBACK")
            raise
    return ReextractResult(
        run_id=run_id, total=sum(counts.values()), new=counts["new"],
        changed=counts["changed"] + counts["text_changed"], text_changed=counts["text_changed"],
        unchanged=counts["unchanged"], failed=counts["failed"], failed_by_reason=dict(reasons),
    )
