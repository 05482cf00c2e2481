"""Keeping the FTS5 index in sync with `documents`, from Python.

Not with triggers: FTS5 flushes its pending data at every statement savepoint, and
a trigger (or an upsert, or a foreign key check) opens one per statement, which made
bulk inserts 40% slower. Writes queue index operations in a `PendingIndex` that the
store flushes right before COMMIT, in order, so the index commits (or rolls back)
with the rows. Guard triggers (schema.py) make foreign writers (sqlite3 shell,
sqlite-utils) fail loudly on documents' indexed columns instead of silently
desynchronising the index.
"""

from __future__ import annotations

import sqlite3

from .fts import index_tokens

SQL_FUNCTION = "scraper_fts_tokens"
GUARD_FUNCTION = "scraper_store_only"


def register(conn: sqlite3.Connection) -> None:
    """Define the SQL functions our connections have: the tokeniser and the write guard."""
    conn.create_function(SQL_FUNCTION, 1, index_tokens, deterministic=True)
    conn.create_function(GUARD_FUNCTION, 0, lambda: 1, deterministic=True)


class PendingIndex:
    """Index operations queued during a transaction, applied in order by `flush`."""

    _INSERT = "INSERT INTO documents_fts (rowid, title, text) VALUES (?, ?, ?)"
    _DELETE = "INSERT INTO documents_fts (documents_fts, rowid, title, text) VALUES ('delete', ?, ?, ?)"

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled  # False on a store migrated only to v1 (no index yet)
        self._ops: list[tuple[str, tuple[int, str, str]]] = []

    def add(self, rowid: int, title: str | None, text: str | None) -> None:
        if self.enabled:
            self._ops.append((self._INSERT, (rowid, index_tokens(title), index_tokens(text))))

    def remove(self, rowid: int, title: str | None, text: str | None) -> None:
        """Unindex a row; title/text must be the values it was indexed with."""
        if self.enabled:
            self._ops.append((self._DELETE, (rowid, index_tokens(title), index_tokens(text))))

    def flush(self, conn: sqlite3.Connection) -> None:
        ops, self._ops = self._ops, []
        start = 0
        for i in range(1, len(ops) + 1):  # runs of the same statement go in one executemany
            if i == len(ops) or ops[i][0] != ops[start][0]:
                conn.executemany(ops[start][0], [args for _, args in ops[start:i]])
                start = i

    def clear(self) -> None:
        self._ops.clear()

    def __len__(self) -> int:
        return len(self._ops)


def rebuild_search_index(conn: sqlite3.Connection) -> None:
    """Re-index every document (after a tokenizer change or a backfill)."""
    conn.execute("INSERT INTO documents_fts(documents_fts) VALUES ('delete-all')")
    conn.execute(
        "INSERT INTO documents_fts(rowid, title, text) "
        "SELECT id, scraper_fts_tokens(title), scraper_fts_tokens(text) FROM documents"
    )


class DeferredIndex(PendingIndex):
    """The index of a bulk load (`Store.bulk`, `scraper merge`), built once at its end:
    new or changed rows are remembered by id and indexed by one INSERT ... SELECT
    before COMMIT; only removals (of text indexed before the load) are queued."""

    def __init__(self, enabled: bool = True) -> None:
        super().__init__(enabled)
        self._added: set[int] = set()

    def add(self, rowid: int, title: str | None, text: str | None) -> None:
        if self.enabled:
            self._added.add(rowid)

    def remove(self, rowid: int, title: str | None, text: str | None) -> None:
        if rowid not in self._added:  # added during this load: not in the index yet
            super().remove(rowid, title, text)

    def flush(self, conn: sqlite3.Connection) -> None:
        super().flush(conn)
        added, self._added = sorted(self._added), set()
        if not added:
            return
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS scraper_pending_index (id INTEGER PRIMARY KEY)")
        conn.executemany("INSERT OR IGNORE INTO temp.scraper_pending_index (id) VALUES (?)", ((i,) for i in added))
        conn.execute(
            f"INSERT INTO documents_fts (rowid, title, text) SELECT d.id, {SQL_FUNCTION}(d.title), "
            f"{SQL_FUNCTION}(d.text) FROM documents AS d JOIN temp.scraper_pending_index AS p ON p.id = d.id")
        conn.execute("DELETE FROM temp.scraper_pending_index")

    def clear(self) -> None:
        super().clear()
        self._added.clear()

    def __len__(self) -> int:
        return super().__len__() + len(self._added)
