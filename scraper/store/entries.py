"""Reading one URL back: the page facts, its document and the bookkeeping columns."""

from __future__ import annotations

import sqlite3

from ..models import Document, PageRecord
from .compress import decompress
from .records import Entry
from .writer import DOC_FIELDS

_PAGE_COLS = ("url", "final_url", "status", "content_type", "etag", "last_modified", "fetched_at",
              "encoding", "encoding_source", "error", "kind", "kind_reason")
_META_COLS = ("text_hash", "extractor_version", "first_seen", "last_seen", "last_changed",
              "duplicate_of", "near_duplicate_of")


def load_entry(conn: sqlite3.Connection, url: str, *, with_body: bool = True) -> Entry | None:
    page = conn.execute("SELECT * FROM pages WHERE url = ?", (url,)).fetchone()
    if page is None:
        return None
    body = decompress(page["body"], page["body_codec"]) if with_body else None
    record = PageRecord(**{c: page[c] for c in _PAGE_COLS}, body=body)
    doc = conn.execute("SELECT * FROM documents WHERE url = ?", (url,)).fetchone()
    if doc is None:
        return Entry(page=record, site=page["site"])
    columns = doc.keys()  # a store opened with migrate_to may predate a field (page_type: v8)
    document = Document(url=url, **{f: doc[f] for f in DOC_FIELDS if f in columns})
    return Entry(page=record, site=page["site"], document=document, **{c: doc[c] for c in _META_COLS})
