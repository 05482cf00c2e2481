"""The change log: which documents appeared or changed, and (since v6) what they said before.

Each 'changed' row keeps the text it replaced (`old_text`); the text it brought is
the next change's `old_text` for the same URL, or the document's current text, so
no text is stored twice.
"""

from __future__ import annotations

import sqlite3

from .records import Change
from .timeutil import parse_since

_COLUMNS = ("c.id, c.url, c.kind, c.changed_at, c.old_hash, c.new_hash, c.old_length, c.new_length, "
            "c.run_id, d.title")
# The text after a change: what the next change of the URL replaced (NULL if that one
# predates v6), or, for its latest change, the document's text.
_TEXTS = """,
  c.old_text,
  CASE WHEN EXISTS (SELECT 1 FROM changes AS n WHERE n.url = c.url AND n.id > c.id)
    THEN (SELECT n.old_text FROM changes AS n WHERE n.url = c.url AND n.id > c.id ORDER BY n.id LIMIT 1)
    WHEN d.text_hash = c.new_hash THEN d.text END AS new_text"""
_SQL = """SELECT {columns} FROM changes AS c LEFT JOIN documents AS d ON d.url = c.url
WHERE (:since IS NULL OR c.changed_at >= :since)
  AND (:site IS NULL OR c.url IN (SELECT url FROM pages WHERE site = :site))
ORDER BY c.changed_at, c.id LIMIT coalesce(:limit, -1)"""


def has_old_text(conn: sqlite3.Connection) -> bool:
    return any(r[1] == "old_text" for r in conn.execute("PRAGMA table_info(changes)"))


def list_changes(conn: sqlite3.Connection, since=None, *, site: str | None = None, limit: int | None = None,
                 texts: bool = False) -> list[Change]:
    """Changes since a time ("2024-05-19", "1d", "1h30m"), oldest first; with `texts`,
    each carries the text before and after it."""
    columns = _COLUMNS + (_TEXTS if texts and has_old_text(conn) else "")
    rows = conn.execute(_SQL.format(columns=columns), {
        "since": parse_since(since), "site": site.lower() if site else None, "limit": limit})
    return [Change(**dict(r)) for r in rows]
