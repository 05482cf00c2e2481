"""Datasette plugin: the store's Chinese-aware search inside Datasette's own pages.

Datasette's `_search` quotes words for FTS5, which cannot match our bigram index
(store/README.md, "Search"), and the index is contentless, so Datasette would show no
search box for `documents`. This plugin, for every database that is a scraper store:

- answers `_search` on `documents` (the search box, `?_search=`, the JSON API) with
  `scraper.store.query.parse_query`, the parser `scraper search` uses: same syntax,
  same matches, for 1-, 2- and N-character Chinese, English and mixed queries;
- marks the hits in `title`, with the snippet around the first hit under it (the
  `text` column comes last of 22), and cuts `text` to that snippet (without a
  search, to its first 200 characters) in table views; a small stylesheet keeps
  the title and text columns readable;
- registers `scraper_match(q)` and `scraper_snippet(text, q)` SQL functions, which
  the canned `search` query uses (same parser again);
- supplies metadata (scraper.store.datasette_metadata): internal tables hidden,
  facets on site, date, lang and page_type, newest first.
"""

from __future__ import annotations

import contextvars
import sqlite3
from functools import lru_cache
from urllib.parse import parse_qs

import markupsafe
from datasette import Response, hookimpl
from datasette.filters import FilterArguments

from ..errors import QueryError
from ..store.datasette import TRUNCATE, datasette_metadata, is_store_schema
from ..store.highlight import snippet, spans
from ..store.query import parse_query

# (path, query args) of the request being served: render_cell gets no request in
# Datasette 0.65, so an ASGI wrapper puts it here for the cells of this request.
_REQUEST: contextvars.ContextVar[tuple[str, dict[str, list[str]]] | None] = contextvars.ContextVar(
    "scraper_datasette_request", default=None)
_CSS = """
.rows-and-columns td.col-title { min-width: 16em; }
.rows-and-columns td.col-text, .rows-and-columns td.col-old_text { min-width: 24em; }
.rows-and-columns td.col-url, .rows-and-columns td.col-canonical_url {
  min-width: 12em; max-width: 18em; overflow-wrap: anywhere; }
.rows-and-columns mark { background: #ffe27a; padding: 0 1px; }
.rows-and-columns .scraper-snippet { display: block; margin-top: .3em; font-size: .85em; color: #444; }
"""
_INDEX_MATCH = "id IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH :scraper_match)"


@lru_cache(maxsize=64)
def _is_store_file(path: str) -> bool:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error:
        return False
    try:
        return is_store_schema({r[0] for r in conn.execute("SELECT name FROM sqlite_master")})
    except sqlite3.Error:
        return False
    finally:
        conn.close()


def _store_names(datasette) -> list[str]:
    return [name for name, db in datasette.databases.items()
            if getattr(db, "path", None) and _is_store_file(str(db.path))]


def _is_store(datasette, database: str | None) -> bool:
    db = datasette.databases.get(database) if database else None
    return bool(db is not None and getattr(db, "path", None) and _is_store_file(str(db.path)))


# --- metadata and SQL functions --------------------------------------------------------


@hookimpl
def get_metadata(datasette, key, database, table):
    return {"databases": {name: datasette_metadata(name)["databases"][name] for name in _store_names(datasette)}}


def _match(query: str | None) -> str:
    if not query or not query.strip():
        return '""'  # an empty phrase: matches nothing (the form is shown with no rows)
    return parse_query(query).expression  # QueryError: SQLite reports it as the query's error


def _snippet(text: str | None, query: str) -> str:
    try:
        pattern = parse_query(query).highlighter()
    except QueryError:
        pattern = None
    return snippet(text or "", pattern, TRUNCATE)[0]


@hookimpl
def prepare_connection(conn, database, datasette):
    conn.create_function("scraper_match", 1, _match, deterministic=True)
    conn.create_function("scraper_snippet", 2, _snippet, deterministic=True)


# --- _search on documents -----------------------------------------------------------------


@hookimpl(trylast=True)  # after Datasette's own search filter, so our search box setting wins
def filters_from_request(request, database, table, datasette):
    if table != "documents" or not _is_store(datasette, database):
        return None
    query = request.args.get("_search", "")
    context = {"supports_search": True, "search": query}
    if not query.strip():
        return FilterArguments([], extra_context=context)
    try:
        parsed = parse_query(query)
    except QueryError as exc:  # no rows, and the page's title says why
        return FilterArguments(["0"], human_descriptions=[f'search "{query}" cannot be run: {exc}'],
                               extra_context=context)
    return FilterArguments([_INDEX_MATCH], params={"scraper_match": parsed.expression},
                           human_descriptions=[f'search matches "{query}"'], extra_context=context)


@hookimpl
def register_routes(datasette):
    async def stylesheet(request):
        return Response(_CSS, content_type="text/css; charset=utf-8", headers={"Cache-Control": "max-age=3600"})

    return [(r"^/-/scraper-sqlite\.css$", stylesheet)]


@hookimpl
def extra_css_urls(template, database, table, columns, view_name, request, datasette):
    if database and _is_store(datasette, database):
        return [datasette.urls.path("/-/scraper-sqlite.css")]
    return []


# --- cells: highlights and truncation --------------------------------------------------------


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def with_request(scope, receive, send):
            if scope.get("type") != "http":
                return await app(scope, receive, send)
            args = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            token = _REQUEST.set((scope.get("path", ""), args))
            try:
                return await app(scope, receive, send)
            finally:
                _REQUEST.reset(token)

        return with_request

    return wrap


def _current(datasette) -> tuple[bool, str | None, str | None]:
    """(is a row page, the _search query, the canned query's q) of this request."""
    path, args = _REQUEST.get() or ("", {})
    base = datasette.setting("base_url") or "/"
    parts = [p for p in path[len(base) - 1:].split("/") if p] if path.startswith(base) else []
    first = lambda name: (args.get(name) or [None])[0]  # noqa: E731
    return len(parts) == 3, first("_search"), first("q")


def _pattern(query: str | None):
    if not query or not query.strip():
        return None
    try:
        return parse_query(query).highlighter()
    except QueryError:
        return None


def _marked(text: str, marks) -> markupsafe.Markup:
    out, pos = [], 0
    for start, end in marks:
        out += [markupsafe.escape(text[pos:start]), markupsafe.Markup("<mark>"),
                markupsafe.escape(text[start:end]), markupsafe.Markup("</mark>")]
        pos = end
    out.append(markupsafe.escape(text[pos:]))
    return markupsafe.Markup("").join(out)


def _text_cell(value: str, pattern, row_page: bool) -> markupsafe.Markup:
    if row_page:  # the whole text, one paragraph a line
        return markupsafe.Markup("<br>").join(markupsafe.escape(line) for line in value.split("\n"))
    piece, marks = snippet(value, pattern, TRUNCATE)
    return _marked(piece, marks)


def _title_with_snippet(title: str, row, pattern) -> markupsafe.Markup:
    cell = _marked(title, spans(title, pattern))
    try:
        text = row["text"]
    except (IndexError, KeyError):  # the text column was not selected (?_col=...)
        return cell
    if not text:
        return cell
    piece, marks = snippet(text, pattern, TRUNCATE // 2)
    return cell + markupsafe.Markup('<span class="scraper-snippet">') + _marked(piece, marks) + markupsafe.Markup("</span>")


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if not isinstance(value, str) or not _is_store(datasette, database):
        return None
    row_page, search, canned_q = _current(datasette)
    if table is None and column in ("snippet", "title") and canned_q:  # the canned `search` query
        return _marked(value, spans(value, _pattern(canned_q)))
    if table == "documents" and column == "text":
        return _text_cell(value, _pattern(search), row_page)
    if table == "documents" and column == "title" and search:
        return _title_with_snippet(value, row, _pattern(search))
    if table == "changes" and column == "old_text" and not row_page:
        return _text_cell(value, None, False)
    return None
