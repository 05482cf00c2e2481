"""Near duplicates in the store: the `doc_lsh (key, doc_id)` table of MinHash band keys.

`record()` runs inside the page's transaction, after `Store.save` wrote a new or
changed document: candidates are documents sharing any band key (an indexed
lookup), each confirmed by exact Jaccard similarity of the texts; the best one at
or above NEAR_JACCARD becomes `documents.near_duplicate_of`. The document's own keys
replace its old ones, so a changed text is matched by what it says now.
"""

from __future__ import annotations

import sqlite3
from typing import Sequence

from .dedup import NEAR_JACCARD, best_match, shingles

MAX_CANDIDATES = 50  # a boilerplate-heavy site can make many candidates; check the first few


def record(conn: sqlite3.Connection, url: str, keys: Sequence[int], text: str,
           threshold: float = NEAR_JACCARD) -> str | None:
    """Store `url`'s keys; return the URL it nearly duplicates (also written), or None."""
    row = conn.execute("SELECT id, duplicate_of FROM documents WHERE url = ?", (url,)).fetchone()
    if row is None:
        return None
    doc_id = row["id"]
    conn.execute("DELETE FROM doc_lsh WHERE doc_id = ?", (doc_id,))
    if not keys:
        conn.execute("UPDATE documents SET near_duplicate_of = NULL WHERE id = ?", (doc_id,))
        return None
    conn.executemany("INSERT INTO doc_lsh (key, doc_id) VALUES (?, ?)", [(k, doc_id) for k in keys])
    match = None
    if row["duplicate_of"] is None:  # an exact duplicate is already recorded as such
        match = _best(conn, doc_id, keys, text, threshold)
    conn.execute("UPDATE documents SET near_duplicate_of = ? WHERE id = ?", (match, doc_id))
    return match


def _best(conn: sqlite3.Connection, doc_id: int, keys: Sequence[int], text: str, threshold: float) -> str | None:
    marks = ",".join("?" * len(keys))
    ids = [r[0] for r in conn.execute(
        f"SELECT DISTINCT doc_id FROM doc_lsh WHERE key IN ({marks}) AND doc_id <> ? ORDER BY doc_id LIMIT ?",
        [*keys, doc_id, MAX_CANDIDATES],
    )]
    if not ids:
        return None
    rows = conn.execute(
        f"SELECT url, text FROM documents WHERE id IN ({','.join('?' * len(ids))}) ORDER BY id", ids
    ).fetchall()
    return best_match(shingles(text), ((r["url"], r["text"]) for r in rows), threshold)  # type: ignore[return-value]
