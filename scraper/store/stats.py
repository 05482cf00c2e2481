"""Store-wide counts for `scraper stats` (cheap aggregate queries, no table scans of text)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from .records import SiteStats, Stats
from .runs import last_run

_TOTALS_SQL = """
SELECT (SELECT count(*) FROM pages) AS pages,
       (SELECT count(*) FROM documents) AS documents,
       (SELECT count(DISTINCT site) FROM pages) AS sites,
       (SELECT count(*) FROM runs) AS runs,
       (SELECT count(*) FROM pages WHERE error IS NOT NULL) AS errors,
       (SELECT count(*) FROM changes) AS changes
"""
_BY_SITE_SQL = """
SELECT p.site, count(*) AS pages, count(d.id) AS documents,
       sum(p.error IS NOT NULL) AS errors, max(p.fetched_at) AS last_fetched
FROM pages AS p LEFT JOIN documents AS d ON d.url = p.url
GROUP BY p.site ORDER BY pages DESC, p.site
"""


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())


def collect(conn: sqlite3.Connection, path: Path, schema_version: int) -> Stats:
    totals = conn.execute(_TOTALS_SQL).fetchone()
    by_site = tuple(SiteStats(r["site"], r["pages"], r["documents"], r["errors"] or 0, r["last_fetched"])
                    for r in conn.execute(_BY_SITE_SQL))
    return Stats(path=str(path), schema_version=schema_version, size_bytes=_size(path),
                 by_site=by_site, last_run=last_run(conn), **dict(totals))
