"""Near duplicates in the store: MinHash band keys (`doc_lsh (key, doc_id)`) and
signatures (`doc_minhash`) of every document.

`record()` runs inside the page's transaction, after `Store.save` wrote a new or
changed document. Candidates are documents sharing band keys (an indexed lookup),
best first by how many they share (a pair at Jaccard 0.8 shares 4 of 10 on
average, at 0.5 fewer than 1); their signatures give a Jaccard estimate for free,
and only candidates whose estimate is close to the threshold are checked exactly
on their texts (shingling a text is what costs). The best one at or above
NEAR_JACCARD becomes `documents.near_duplicate_of`. The document's own keys
replace its old ones, so a changed text is matched by what it says now.
"""

from __future__ import annotations

import sqlite3

import numpy as np

from .dedup import NEAR_JACCARD, ShingleCache, best_match, estimates, keys_of

MAX_CANDIDATES = 10
ESTIMATE_SLACK = 0.2  # 40 permutations: at Jaccard 0.8 the estimate's standard error is ~0.06


def record(conn: sqlite3.Connection, url: str, sig: bytes, text: str, threshold: float = NEAR_JACCARD, *,
           packed: bytes = b"", cache: ShingleCache | None = None) -> str | None:
    """Store `url`'s signature and keys; return the URL it nearly duplicates (also written), or None.

    packed: the text's `dedup.packed_shingles` as bytes, when a worker computed them;
    cache: the run's `ShingleCache` (the text goes in, candidates come out of it)."""
    row = conn.execute("SELECT id, duplicate_of FROM documents WHERE url = ?", (url,)).fetchone()
    if row is None:
        return None
    doc_id = row["id"]
    conn.execute("DELETE FROM doc_lsh WHERE doc_id = ?", (doc_id,))
    keys = keys_of(sig)
    if not keys:
        conn.execute("DELETE FROM doc_minhash WHERE doc_id = ?", (doc_id,))
        conn.execute("UPDATE documents SET near_duplicate_of = NULL WHERE id = ?", (doc_id,))
        return None
    conn.executemany("INSERT INTO doc_lsh (key, doc_id) VALUES (?, ?)", [(k, doc_id) for k in keys])
    conn.execute("INSERT OR REPLACE INTO doc_minhash (doc_id, signature) VALUES (?, ?)", (doc_id, sig))
    match = None
    if row["duplicate_of"] is None:  # an exact duplicate is already recorded as such
        cache = cache if cache is not None else ShingleCache(0)
        if packed:
            cache.put(text, np.frombuffer(packed, dtype="<u8"))
        match = _best(conn, doc_id, keys, sig, text, threshold, cache)
    conn.execute("UPDATE documents SET near_duplicate_of = ? WHERE id = ?", (match, doc_id))
    return match


def _best(conn: sqlite3.Connection, doc_id: int, keys: tuple[int, ...], sig: bytes, text: str,
          threshold: float, cache: ShingleCache) -> str | None:
    marks = ",".join("?" * len(keys))
    candidates = conn.execute(
        f"SELECT l.doc_id, m.signature FROM doc_lsh AS l JOIN doc_minhash AS m USING (doc_id)"
        f" WHERE l.key IN ({marks}) AND l.doc_id <> ? GROUP BY l.doc_id ORDER BY count(*) DESC, l.doc_id LIMIT ?",
        [*keys, doc_id, MAX_CANDIDATES],
    ).fetchall()
    close = [r["doc_id"] for r, est in zip(candidates, estimates(sig, [r["signature"] for r in candidates]))
             if est >= threshold - ESTIMATE_SLACK]
    if not close:
        return None
    rows = conn.execute(
        f"SELECT url, text FROM documents WHERE id IN ({','.join('?' * len(close))}) ORDER BY id", close
    ).fetchall()
    return best_match(text, ((r["url"], r["text"]) for r in rows), threshold, cache)  # type: ignore[return-value]
