"""Streaming export of documents as JSON Lines or CSV.

Rows come straight off an SQLite cursor and are written one at a time, so memory
stays flat whatever the store's size; the read transaction gives a consistent
snapshot even while a crawl keeps writing. A file is written beside its final
name and renamed into place at the end, so a failed export (a full disk) leaves
no truncated file and an earlier export of that name intact.
"""

from __future__ import annotations

import csv
import os
import sqlite3
import tempfile
from pathlib import Path
from typing import Iterator, TextIO

from ..errors import StoreError
from ..terminal import safe_json

FORMATS = ("jsonl", "csv")
EXPORT_COLUMNS = (
    "url", "site", "title", "date", "source", "author", "editor", "site_name", "lang", "page_type",
    "canonical_url", "description", "encoding", "encoding_source", "text_hash", "duplicate_of",
    "near_duplicate_of", "extractor_version", "first_seen", "last_seen", "last_changed", "text",
)
_EXPORT_SQL = """
SELECT url, site, title, date, source, author, editor, site_name, lang, page_type, canonical_url, description,
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
            out.write(safe_json(row) + "\n")  # C1 controls and bidi marks as \\u escapes: same JSON
            n += 1
        return n
    writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
        n += 1
    return n


def write_file(rows: Iterator[dict], path: Path, fmt: str = "jsonl") -> int:
    """Write rows to `path` atomically (temporary file, then rename); return the count.

    A path that is not a regular file (/dev/stdout, a FIFO, a device) is written as is.
    """
    if path.exists() and not path.is_file():
        with open(path, "w", encoding="utf-8", newline="") as fh:
            return write(rows, fh, fmt)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it 0600; an export is an ordinary file
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            n = write(rows, fh, fmt)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    return n


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
