"""Writing one page (and its document) inside the caller's transaction.

Rules (store/README.md "Commands and their Python equivalents"):
- a page with an error updates only its fetch facts: an existing good document and
  the raw body it came from are kept;
- a document whose text hash is unchanged only gets its last_seen moved;
- a new or changed document writes a `changes` row and queues its re-indexing
  (index.PendingIndex, flushed by the store before COMMIT);
- a body-less save (HTTP 304) keeps the stored body;
- a run counts documents as new/changed/unchanged; a page saved without one (a
  list page) counts in `fetched` and `lists` only.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..errors import StoreError
from ..models import Document, PageRecord
from .compress import DEFAULT_CODEC, compress
from .index import PendingIndex
from .records import SaveResult
from .timeutil import normalize_timestamp, now

DOC_FIELDS = ("title", "date", "source", "author", "editor", "site_name", "lang",
              "canonical_url", "description", "encoding", "encoding_source", "page_type", "text")

_PAGE_UPSERT = """
INSERT INTO pages (url, site, final_url, status, content_type, etag, last_modified, fetched_at,
  encoding, encoding_source, kind, kind_reason, error, run_id, body_hash, body_size, body_codec, body)
VALUES (:url, :site, :final_url, :status, :content_type, :etag, :last_modified, :fetched_at,
  :encoding, :encoding_source, :kind, :kind_reason, NULL, :run_id, :body_hash, :body_size, :body_codec, :body)
ON CONFLICT (url) DO UPDATE SET
  site = excluded.site, final_url = coalesce(excluded.final_url, final_url),
  status = excluded.status, fetched_at = excluded.fetched_at, error = NULL,
  kind = coalesce(excluded.kind, kind), kind_reason = coalesce(excluded.kind_reason, kind_reason),
  run_id = excluded.run_id,
  content_type = coalesce(excluded.content_type, content_type),
  etag = coalesce(excluded.etag, etag), last_modified = coalesce(excluded.last_modified, last_modified),
  encoding = coalesce(excluded.encoding, encoding),
  encoding_source = coalesce(excluded.encoding_source, encoding_source),
  body_hash = coalesce(excluded.body_hash, body_hash), body_size = coalesce(excluded.body_size, body_size),
  body_codec = coalesce(excluded.body_codec, body_codec), body = coalesce(excluded.body, body)
"""

# A failure keeps whatever good body (and its validators) the row already had.
_PAGE_FAILED = """
INSERT INTO pages (url, site, final_url, status, content_type, etag, last_modified, fetched_at,
  encoding, encoding_source, kind, kind_reason, error, run_id, body_hash, body_size, body_codec, body)
VALUES (:url, :site, :final_url, :status, :content_type, :etag, :last_modified, :fetched_at,
  :encoding, :encoding_source, :kind, :kind_reason, :error, :run_id, :body_hash, :body_size, :body_codec, :body)
ON CONFLICT (url) DO UPDATE SET
  site = excluded.site, final_url = coalesce(excluded.final_url, final_url),
  status = excluded.status, fetched_at = excluded.fetched_at, error = excluded.error,
  kind = coalesce(kind, excluded.kind), kind_reason = coalesce(kind_reason, excluded.kind_reason),
  run_id = excluded.run_id,
  content_type = CASE WHEN body IS NULL THEN excluded.content_type ELSE content_type END,
  encoding = CASE WHEN body IS NULL THEN excluded.encoding ELSE encoding END,
  encoding_source = CASE WHEN body IS NULL THEN excluded.encoding_source ELSE encoding_source END,
  body_hash = CASE WHEN body IS NULL THEN excluded.body_hash ELSE body_hash END,
  body_size = CASE WHEN body IS NULL THEN excluded.body_size ELSE body_size END,
  body_codec = CASE WHEN body IS NULL THEN excluded.body_codec ELSE body_codec END,
  body = coalesce(body, excluded.body)
"""

_DOC_INSERT = """
INSERT INTO documents (url, site, date, lang, title, source, author, editor, site_name,
  canonical_url, description, encoding, encoding_source, text_hash, duplicate_of,
  extractor_version, first_seen, last_seen, last_changed, page_type, text)
VALUES (:url, :site, :date, :lang, :title, :source, :author, :editor, :site_name,
  :canonical_url, :description, :encoding, :encoding_source, :text_hash, :duplicate_of,
  :extractor_version, :seen, :seen, :changed_at, :page_type, :text)
"""

_DOC_UPDATE = """
UPDATE documents SET site = :site, date = :date, lang = :lang, title = :title, source = :source,
  author = :author, editor = :editor, site_name = :site_name, canonical_url = :canonical_url,
  description = :description, encoding = :encoding, encoding_source = :encoding_source,
  text_hash = :text_hash, duplicate_of = :duplicate_of,
  extractor_version = coalesce(:extractor_version, extractor_version),
  last_seen = coalesce(:seen, last_seen), last_changed = :changed_at, page_type = :page_type, text = :text
WHERE id = :id
"""

_CHANGE_INSERT = """
INSERT INTO changes (url, kind, changed_at, old_hash, new_hash, old_length, new_length, old_text, run_id)
VALUES (:url, :kind, :changed_at, :old_hash, :new_hash, :old_length, :new_length, :old_text, :run_id)
"""


_RUN_COUNT = """
UPDATE runs SET fetched = fetched + 1, new = new + :new, changed = changed + :changed,
  unchanged = unchanged + :unchanged, failed = failed + :failed, duplicates = duplicates + :duplicates,
  lists = lists + :lists
WHERE id = :run_id
"""

# A store opened with migrate_to below the latest version (tests, tools) lacks the
# columns later migrations added; these are the same statements without them.
_CHANGE_INSERT_V5 = _CHANGE_INSERT.replace(" old_text,", "").replace(" :old_text,", "")  # old_text: v6
_PAGE_UPSERT_V6, _PAGE_FAILED_V6 = (  # kind_reason: v7
    re.sub(r" :?kind_reason,|, kind_reason = coalesce\([^)]*\)", "", sql) for sql in (_PAGE_UPSERT, _PAGE_FAILED))
_RUN_COUNT_V6 = _RUN_COUNT.replace(",\n  lists = lists + :lists", "")  # lists: v7
_DOC_INSERT_V7, _DOC_UPDATE_V7 = (  # page_type: v8
    sql.replace(" page_type = :page_type,", "").replace(" page_type,", "").replace(" :page_type,", "")
    for sql in (_DOC_INSERT, _DOC_UPDATE))
assert "kind_reason" not in _PAGE_UPSERT_V6 + _PAGE_FAILED_V6 and "lists" not in _RUN_COUNT_V6
assert "page_type" not in _DOC_INSERT_V7 + _DOC_UPDATE_V7

_RUN_REASON = """
UPDATE runs SET failed_by_reason = json_set(coalesce(failed_by_reason, '{}'), :path,
  coalesce(json_extract(failed_by_reason, :path), 0) + 1)
WHERE id = :run_id
"""


@dataclass(frozen=True)
class DocWrite:
    outcome: str  # new | changed | unchanged
    text_hash: str
    previous_hash: str | None
    duplicate_of: str | None


def site_of(url: str) -> str:
    """The site a URL belongs to: its host, lower case ("local" for files and stdin)."""
    return (urlsplit(url).hostname or "local").lower()


def failure_reason(error: str) -> str:
    """The counter key for an error string: its prefix before ':' ("HTTPStatusError: 404")."""
    head = re.sub(r"[^\w.-]+", "_", error.split(":", 1)[0].strip())[:60].strip("_")
    return head or "error"


def save_page(conn: sqlite3.Connection, index: PendingIndex, page: PageRecord, document: Document | None, *,
              run_id: int | None, site: str | None, extractor_version: str | None) -> SaveResult:
    """Write one page (+ document) and count it in its run; the caller holds the transaction."""
    if not isinstance(page, PageRecord) or not page.url:
        raise StoreError("save() needs a PageRecord with a non-empty url")
    if page.error and document is not None:
        raise StoreError(f"{page.url}: a page with an error cannot also carry a document")
    site = site or site_of(page.url)
    seen = normalize_timestamp(page.fetched_at) or now()
    if run_id is not None and not conn.execute("SELECT 1 FROM runs WHERE id = ?", (run_id,)).fetchone():
        raise StoreError(f"no run with id {run_id}: start one with Store.start_run()")
    row = conn.execute(
        "SELECT p.body_hash, d.id, d.text_hash FROM pages AS p LEFT JOIN documents AS d ON d.url = p.url "
        "WHERE p.url = ?", (page.url,)
    ).fetchone()
    params = _page_params(page, site, seen, run_id)
    if page.error:
        _execute(conn, _PAGE_FAILED, params, missing="kind_reason", older=_PAGE_FAILED_V6)
        _count(conn, run_id, "failed", duplicate=False, reason=failure_reason(page.error))
        return SaveResult(page.url, "failed", site)
    _execute(conn, _PAGE_UPSERT, params, missing="kind_reason", older=_PAGE_UPSERT_V6)
    if document is None:
        outcome = _page_only_outcome(row, params["body_hash"])
        has_document = row is not None and row["id"] is not None
        if outcome == "unchanged" and has_document:
            conn.execute("UPDATE documents SET last_seen = ? WHERE url = ?", (seen, page.url))
        # a page without a document (a list page) is fetched, but new/changed/unchanged count documents
        _count(conn, run_id, outcome if has_document else "lists", duplicate=False)
        return SaveResult(page.url, outcome, site)
    old_doc = (row["id"], row["text_hash"]) if row is not None and row["id"] is not None else None
    write = write_document(conn, index, page.url, site, document, old_doc, seen=seen, changed_at=seen,
                           run_id=run_id, extractor_version=extractor_version)
    _count(conn, run_id, write.outcome, duplicate=write.duplicate_of is not None and write.outcome != "unchanged")
    return SaveResult(page.url, write.outcome, site, write.text_hash, write.previous_hash, write.duplicate_of)


def _page_params(page: PageRecord, site: str, seen: str, run_id: int | None) -> dict:
    body = page.body
    return {
        "url": page.url, "site": site, "final_url": page.final_url, "status": page.status,
        "content_type": page.content_type, "etag": page.etag, "last_modified": page.last_modified,
        "fetched_at": seen, "encoding": page.encoding, "encoding_source": page.encoding_source,
        "kind": page.kind, "kind_reason": page.kind_reason, "error": page.error, "run_id": run_id,
        "body_hash": hashlib.sha256(body).hexdigest() if body is not None else None,
        "body_size": len(body) if body is not None else None,
        "body_codec": DEFAULT_CODEC if body is not None else None,
        "body": compress(body) if body is not None else None,
    }


def _page_only_outcome(old: sqlite3.Row | None, body_hash: str | None) -> str:
    if old is None:
        return "new"
    if body_hash is None or body_hash == old["body_hash"]:
        return "unchanged"
    return "changed"


def write_document(conn: sqlite3.Connection, index: PendingIndex, url: str, site: str, doc: Document,
                   old: tuple[int, str] | None, *, seen: str | None, changed_at: str, run_id: int | None,
                   extractor_version: str | None) -> DocWrite:
    """Insert, update or touch the document of `url` (`old` is its (id, text_hash), if stored);
    log new/changed text in `changes`."""
    new_hash = doc.text_hash
    if old is not None and old[1] == new_hash:
        if seen is not None:
            conn.execute("UPDATE documents SET last_seen = ? WHERE id = ?", (seen, old[0]))
        return DocWrite("unchanged", new_hash, new_hash, None)
    dup = conn.execute(
        "SELECT url FROM documents WHERE text_hash = ? AND url <> ? ORDER BY id LIMIT 1", (new_hash, url)
    ).fetchone()
    values = {f: getattr(doc, f) for f in DOC_FIELDS}
    values.update(url=url, site=site, text_hash=new_hash, duplicate_of=dup[0] if dup else None,
                  extractor_version=extractor_version, seen=seen or changed_at, changed_at=changed_at)
    old_length = old_text = None
    if old is None:
        doc_id = _execute(conn, _DOC_INSERT, values, missing="page_type", older=_DOC_INSERT_V7).lastrowid
        index.add(doc_id, doc.title, doc.text)
    else:
        prev = conn.execute("SELECT title, text FROM documents WHERE id = ?", (old[0],)).fetchone()
        old_text = prev["text"]
        old_length = len(old_text)
        index.remove(old[0], prev["title"], prev["text"])
        _execute(conn, _DOC_UPDATE, {**values, "id": old[0], "seen": seen}, missing="page_type", older=_DOC_UPDATE_V7)
        index.add(old[0], doc.title, doc.text)
    previous = old[1] if old else None
    change = {
        "url": url, "kind": "new" if old is None else "changed", "changed_at": changed_at,
        "old_hash": previous, "new_hash": new_hash,
        "old_length": old_length, "new_length": len(doc.text), "old_text": old_text, "run_id": run_id,
    }
    _execute(conn, _CHANGE_INSERT, change, missing="old_text", older=_CHANGE_INSERT_V5)
    return DocWrite("new" if old is None else "changed", new_hash, previous, values["duplicate_of"])


def _count(conn: sqlite3.Connection, run_id: int | None, outcome: str, *, duplicate: bool,
           reason: str | None = None) -> None:
    if run_id is None:
        return
    counts = {k: int(outcome == k) for k in ("new", "changed", "unchanged", "failed", "lists")}
    _execute(conn, _RUN_COUNT, {**counts, "duplicates": int(duplicate), "run_id": run_id},
             missing="lists", older=_RUN_COUNT_V6)
    if reason:
        conn.execute(_RUN_REASON, {"path": f'$."{reason}"', "run_id": run_id})


def _execute(conn: sqlite3.Connection, sql: str, params: dict, *, missing: str, older: str) -> sqlite3.Cursor:
    """Run `sql`, or `older` (the statement without column `missing`) on a store from
    before that column (opened with migrate_to). It fails at prepare time: nothing written."""
    try:
        return conn.execute(sql, params)
    except sqlite3.OperationalError as exc:
        if missing not in str(exc):
            raise
        return conn.execute(older, params)
