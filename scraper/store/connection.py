"""Opening an SQLite connection the way every part of the store expects it.

WAL lets readers in other processes search while a writer saves; foreign keys are
enforced; a busy timeout makes a second writer wait instead of failing at once;
synchronous=NORMAL is safe in WAL mode (a crash can lose the last commits, never
corrupt the file) and much faster than FULL. We manage transactions explicitly
(isolation_level=None) so that a batch is exactly one transaction.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ..errors import StoreError
from . import index

BUSY_TIMEOUT_MS = 30_000


def connect(path: Path, *, create: bool = True) -> sqlite3.Connection:
    """Open (or create) the database file; raise StoreError with the path when it cannot be used."""
    if str(path) != ":memory:":
        if not path.exists():
            if not create:
                raise StoreError(f"no store at {path}: save something first (e.g. `scraper clean URL --save`) or pass --db")
            path.parent.mkdir(parents=True, exist_ok=True)
        elif path.is_dir():
            raise StoreError(f"{path} is a directory, not a store file")
    try:
        conn = sqlite3.connect(str(path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        conn.execute("PRAGMA busy_timeout = 30000")  # = BUSY_TIMEOUT_MS
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA cache_size = -65536")  # 64 MiB: the url/hash indexes of 100k pages stay cached
        conn.execute("PRAGMA wal_autocheckpoint = 16384")  # checkpoint (and fsync) every ~64 MB, not 4
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"cannot open {path} as an SQLite store: {exc}") from None
    if mode != "wal" and str(path) != ":memory:":
        conn.close()
        raise StoreError(f"cannot switch {path} to WAL mode (journal_mode is {mode!r})")
    conn.row_factory = sqlite3.Row
    index.register(conn)
    return conn
