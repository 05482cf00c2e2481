"""Ranked full-text search with filters and paging over the bigram index (see fts.py).

The ranking query touches only the FTS index (and `documents` rows for filters);
texts are read afterwards for the page of hits, to cut snippets from the original.

Ranking is bm25 (title weighted 5x). Computing bm25 costs a few microseconds per
matching document, so a query matching most of a large store (one character, or a
bigram such as 工作) would spend ~60 ms at 100,000 documents ranking rows nobody
reads. bm25 therefore ranks at most the `rank_window` (default 10,000) most recently
stored matches; queries with fewer matches are ranked exactly. `count()` and the
set of matches are never truncated; pass rank_window=None for exact ranking.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass

from ..errors import QueryError
from ..models import PAGE_TYPES
from .highlight import snippet, spans
from .query import ParsedQuery, parse_query
from .records import SearchHit
from .timeutil import parse_day

MAX_LIMIT = 1000
MAX_OFFSET = 1_000_000
RANK_WINDOW = 10_000

# Constant SQL fragments, chosen by which filters are set; values are always parameters.
_FILTER_SQL = {
    "site": "(d.site = :site OR substr(d.site, -length(:dotsite)) = :dotsite)",
    "lang": "(lower(d.lang) = :lang OR substr(lower(d.lang), 1, length(:lang) + 1) = :lang || '-')",
    "since": "d.date >= :since",
    "until": "d.date <= :until",
    "page_type": "d.page_type = :page_type",
}
_FROM = " FROM documents_fts WHERE documents_fts MATCH :match"
_FROM_FILTERED = (
    " FROM documents_fts JOIN documents AS d ON d.id = documents_fts.rowid WHERE documents_fts MATCH :match"
)
_RANK_SELECT = "SELECT id, rank FROM (SELECT documents_fts.rowid AS id, documents_fts.rank AS rank"
_PAGE_SQL = (" ORDER BY documents_fts.rowid DESC LIMIT :window)"
             " ORDER BY rank, id LIMIT :limit OFFSET :offset")
_HITS_SQL = (
    "SELECT id, url, title, date, site, source, lang, page_type, text FROM documents "
    "WHERE id IN (SELECT value FROM json_each(:ids))"
)


@dataclass(frozen=True)
class Filters:
    """Validated search filters; `since`/`until` bound the publication date (inclusive)."""

    site: str | None = None
    since: str | None = None
    until: str | None = None
    lang: str | None = None
    page_type: str | None = None

    @classmethod
    def make(cls, site=None, since=None, until=None, lang=None, page_type=None) -> "Filters":
        if lang and not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*", lang):
            raise QueryError(f"lang: expected a language code such as zh or en, got {lang!r}")
        page_type = page_type.strip().lower() if page_type else None
        if page_type and page_type not in PAGE_TYPES:
            raise QueryError(f"type: expected one of {', '.join(PAGE_TYPES)}, got {page_type!r}")
        f = cls(site.strip().lower() if site else None, parse_day(since, "since"),
                parse_day(until, "until"), lang.lower() if lang else None, page_type)
        if f.since and f.until and f.since > f.until:
            raise QueryError(f"since ({f.since}) is after until ({f.until}): nothing can match")
        return f

    def sql(self) -> tuple[str, dict]:
        active = [k for k in ("site", "lang", "since", "until", "page_type") if getattr(self, k)]
        params = {k: getattr(self, k) for k in active}
        if self.site:
            params["dotsite"] = "." + self.site
        return "".join(" AND " + _FILTER_SQL[k] for k in active), params


def _check_paging(limit: int, offset: int) -> None:
    if not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise QueryError(f"limit must be between 1 and {MAX_LIMIT}, got {limit!r}")
    if not isinstance(offset, int) or not 0 <= offset <= MAX_OFFSET:
        raise QueryError(f"offset must be between 0 and {MAX_OFFSET}, got {offset!r}")


def _ranked_ids(conn: sqlite3.Connection, parsed: ParsedQuery, filters: Filters,
                limit: int, offset: int, window: int | None) -> list[tuple[int, float]]:
    where, params = filters.sql()
    sql = _RANK_SELECT + (_FROM_FILTERED if where else _FROM) + where + _PAGE_SQL
    window = -1 if window is None else max(window, offset + limit)  # -1: no LIMIT in SQLite
    params.update(match=parsed.expression, limit=limit, offset=offset, window=window)
    try:
        return [(r[0], r[1]) for r in conn.execute(sql, params)]
    except sqlite3.OperationalError as exc:  # should not happen: we build the expression
        raise QueryError(f"cannot run search {parsed.text!r}: {exc}") from None


def search(conn: sqlite3.Connection, query: str, *, site: str | None = None, since=None, until=None,
           lang: str | None = None, page_type: str | None = None, limit: int = 20, offset: int = 0,
           snippet_width: int = 120, rank_window: int | None = RANK_WINDOW) -> list[SearchHit]:
    """Best matches first (bm25, title weighted 5x), with snippets from the original text."""
    parsed = parse_query(query)
    filters = Filters.make(site, since, until, lang, page_type)
    _check_paging(limit, offset)
    ranked = _ranked_ids(conn, parsed, filters, limit, offset, rank_window)
    if not ranked:
        return []
    rows = {r["id"]: r for r in conn.execute(_HITS_SQL, {"ids": json.dumps([i for i, _ in ranked])})}
    pattern = parsed.highlighter()
    hits = []
    for doc_id, rank in ranked:
        row = rows.get(doc_id)
        if row is None:
            continue
        text, marks = snippet(row["text"], pattern, snippet_width)
        hits.append(SearchHit(
            url=row["url"], title=row["title"], date=row["date"], site=row["site"], source=row["source"],
            lang=row["lang"], score=round(-rank, 6), snippet=text, highlights=marks,
            title_highlights=spans(row["title"] or "", pattern), page_type=row["page_type"],
        ))
    return hits


def count(conn: sqlite3.Connection, query: str, *, site: str | None = None, since=None, until=None,
          lang: str | None = None, page_type: str | None = None) -> int:
    """How many documents match (for "N results" and paging)."""
    parsed = parse_query(query)
    where, params = Filters.make(site, since, until, lang, page_type).sql()
    params["match"] = parsed.expression
    sql = "SELECT count(*)" + (_FROM_FILTERED if where else _FROM) + where
    try:
        return conn.execute(sql, params).fetchone()[0]
    except sqlite3.OperationalError as exc:
        raise QueryError(f"cannot run search {parsed.text!r}: {exc}") from None
