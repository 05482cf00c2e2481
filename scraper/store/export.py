"""Streaming export of documents as JSON Lines or CSV.

Rows come straight off an SQLite cursor and are written one at a time, so memory
stays flat whatever the store's size; the read transaction gives a consistent
snapshot even while a crawl keeps writing.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from typing import Iterator, TextIO

from ..errors import StoreError

FORMATS = ("jsonl", "csv")
EXPORT_COLUMNS = (
    "url", "site", "title", "date", "source", "author", "editor", "site_name", "lang",
    "canonical_url", "description", "encoding", "encoding_source", "text_hash", "duplicate_of",
    "near_duplicate_of", "extractor_version", "first_seen", "last_seen", "last_changed", "text",
)
_EXPORT_SQL = """
SELECT url, site, title, date, source, author, editor, site_name, lang, canonical_url, description,
  encoding, encoding_source, text_hash, duplicate_of, near_duplicate_of, extractor_version,
  first_seen, last_seen, last_changed, text
FROM documents
WHERE (:since IS NULL OR last_changed >= :since) AND (:site IS NULL OR site = :site)
ORDER BY id
"""


def iter_documents(conn: sqlite3.Connection, *, since: str | None = None,
                   site: str | None = None) -> Iterator[dict]:
    """Every document (new or changed since `since`, of `site`), oldest first, as dicts."""
    cursor = conn.execute(_EXPORT_SQL, {"since": since, "site": site.lower() if site else None})
    try:
        for row in cursor:
            yield dict(zip(EXPORT_COLUMNS, row))
    finally:
        cursor.close()


def write(rows: Iterator[dict], out: TextIO, fmt: str = "jsonl") -> int:
    """Write rows to an open text stream; return how many were written."""
    if fmt not in FORMATS:
        raise StoreError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    n = 0
    if fmt == "jsonl":
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
        return n
    writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
        n += 1
    return n
