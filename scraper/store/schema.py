"""The schema, as an append-only list of migrations (see migrations.py).

To change the schema, append one function:

    @migration(9, "frontier: lease columns")
    def _v9(conn, db):
        conn.execute("ALTER TABLE frontier ADD COLUMN leased_until TEXT")

Never edit a migration that has shipped: databases in the field already ran it.
Tables are created with sqlite-utils' `create_table_sql` (executed inside the
migration transaction); FTS5 tables and triggers are plain SQL.
"""

from __future__ import annotations

import sqlite3

import sqlite_utils

from .index import rebuild_search_index
from .migrations import migration


def _create(db: sqlite_utils.Database, conn: sqlite3.Connection, name: str, columns: dict, **kw) -> None:
    conn.execute(db.create_table_sql(name, columns, **kw))


@migration(1, "pages, documents, changes, runs")
def _v1(conn: sqlite3.Connection, db: sqlite_utils.Database) -> None:
    _create(db, conn, "runs", {
        "id": int, "kind": str, "started_at": str, "finished_at": str, "status": str, "config": str,
        "fetched": int, "new": int, "changed": int, "unchanged": int, "failed": int,
        "duplicates": int, "failed_by_reason": str,
    }, pk="id", not_null=["kind", "started_at", "status"],
        defaults={"status": "running", "fetched": 0, "new": 0, "changed": 0, "unchanged": 0,
                  "failed": 0, "duplicates": 0, "failed_by_reason": "{}"})
    _create(db, conn, "pages", {
        "url": str, "site": str, "final_url": str, "status": int, "content_type": str, "etag": str,
        "last_modified": str, "fetched_at": str, "encoding": str, "encoding_source": str,
        "kind": str, "error": str, "run_id": int,
        "body_hash": str, "body_size": int, "body_codec": str, "body": bytes,
    }, pk="url", not_null=["site", "fetched_at"], foreign_keys=[("run_id", "runs", "id")])
    # id is an explicit INTEGER PRIMARY KEY because the search index refers to it:
    # an implicit rowid may be renumbered by VACUUM.
    _create(db, conn, "documents", {
        "id": int, "url": str, "site": str, "date": str, "lang": str, "title": str,
        "source": str, "author": str, "editor": str, "site_name": str, "canonical_url": str,
        "description": str, "encoding": str, "encoding_source": str, "text_hash": str,
        "simhash": int, "duplicate_of": str, "near_duplicate_of": str, "extractor_version": str,
        "first_seen": str, "last_seen": str, "last_changed": str, "text": str,
    }, pk="id", not_null=["url", "site", "text", "text_hash", "first_seen", "last_seen", "last_changed"],
        foreign_keys=[("url", "pages", "url")])
    _create(db, conn, "changes", {
        "id": int, "url": str, "kind": str, "changed_at": str, "old_hash": str, "new_hash": str,
        "old_length": int, "new_length": int, "run_id": int,
    }, pk="id", not_null=["url", "kind", "changed_at", "new_hash"],
        foreign_keys=[("url", "pages", "url"), ("run_id", "runs", "id")])
    for sql in (
        "CREATE UNIQUE INDEX documents_url ON documents (url)",
        "CREATE INDEX documents_site_date ON documents (site, date)",
        "CREATE INDEX documents_text_hash ON documents (text_hash)",
        "CREATE INDEX documents_last_changed ON documents (last_changed)",
        "CREATE INDEX pages_site ON pages (site)",
        "CREATE INDEX pages_errors ON pages (site) WHERE error IS NOT NULL",
        "CREATE INDEX changes_changed_at ON changes (changed_at)",
        "CREATE INDEX changes_url ON changes (url)",
        "CREATE INDEX changes_run ON changes (run_id)",
    ):
        conn.execute(sql)


@migration(2, "full-text search over documents (CJK bigrams)")
def _v2(conn: sqlite3.Connection, db: sqlite_utils.Database) -> None:
    # Contentless: the index holds tokens only; the text lives once, in documents.
    # The store keeps it in sync from Python (index.py explains why). The
    # guards call scraper_store_only(), which only scraper connections define, so a
    # foreign tool's write to an indexed column fails instead of desynchronising it.
    conn.execute(
        "CREATE VIRTUAL TABLE documents_fts USING fts5("
        "title, text, content='', tokenize='unicode61 remove_diacritics 2')"
    )
    conn.execute("INSERT INTO documents_fts (documents_fts, rank) VALUES ('rank', 'bm25(5.0, 1.0)')")
    # Bulk-load tuning (tests/benchmarks/bench_store.py): a 16 MB in-memory hash and
    # merging 8 segments at a time cut FTS insert time by ~40% at 100k documents.
    conn.execute("INSERT INTO documents_fts (documents_fts, rank) VALUES ('hashsize', 16777216)")
    conn.execute("INSERT INTO documents_fts (documents_fts, rank) VALUES ('automerge', 8)")
    for sql in (
        "CREATE TRIGGER documents_guard_insert BEFORE INSERT ON documents",
        "CREATE TRIGGER documents_guard_delete BEFORE DELETE ON documents",
        "CREATE TRIGGER documents_guard_update BEFORE UPDATE OF title, text ON documents",
    ):
        conn.execute(sql + " WHEN scraper_store_only() IS NULL "
                     "BEGIN SELECT RAISE(ABORT, 'write documents through scraper.store.Store'); END")
    rebuild_search_index(conn)  # index documents written before this version


@migration(3, "crawl frontier")
def _v3(conn: sqlite3.Connection, db: sqlite_utils.Database) -> None:
    _create(db, conn, "frontier", {
        "url": str, "site": str, "depth": int, "kind": str, "priority": int, "state": str,
        "discovered_from": str, "discovered_at": str, "next_fetch_at": str, "attempts": int,
        "last_error": str, "run_id": int,
    }, pk="url", not_null=["site", "state"],
        defaults={"depth": 0, "priority": 0, "state": "queued", "attempts": 0},
        foreign_keys=[("run_id", "runs", "id")])
    conn.execute("CREATE INDEX frontier_state_next ON frontier (state, next_fetch_at)")
    conn.execute("CREATE INDEX frontier_site_state ON frontier (site, state)")


@migration(4, "crawl runner: near-duplicate keys, frontier due index, run counters")
def _v4(conn: sqlite3.Connection, db: sqlite_utils.Database) -> None:
    # MinHash LSH band keys of each document (scraper.crawl.dedup.lsh_keys): documents
    # sharing a key are near-duplicate candidates. No foreign key (Store.delete removes
    # documents without knowing this table): a trigger drops the keys with the document.
    conn.execute("CREATE TABLE doc_lsh (key INTEGER NOT NULL, doc_id INTEGER NOT NULL)")
    conn.execute("CREATE INDEX doc_lsh_key ON doc_lsh (key)")
    conn.execute("CREATE INDEX doc_lsh_doc ON doc_lsh (doc_id)")
    conn.execute("CREATE TRIGGER documents_lsh_cleanup AFTER DELETE ON documents "
                 "BEGIN DELETE FROM doc_lsh WHERE doc_id = old.id; END")
    # Leasing takes a site's due URLs in next_fetch_at order; in_progress rows never qualify.
    conn.execute("CREATE INDEX frontier_due ON frontier (site, next_fetch_at) WHERE state <> 'in_progress'")
    conn.execute("ALTER TABLE runs ADD COLUMN near_duplicates INTEGER NOT NULL DEFAULT 0")
    conn.execute("ALTER TABLE runs ADD COLUMN deferred INTEGER NOT NULL DEFAULT 0")
    conn.execute("ALTER TABLE runs ADD COLUMN skipped_by_reason TEXT NOT NULL DEFAULT '{}'")


@migration(5, "near duplicates: MinHash signatures")
def _v5(conn: sqlite3.Connection, db: sqlite_utils.Database) -> None:
    # Each document's MinHash signature (scraper.crawl.dedup.signature): candidates that
    # share LSH keys are compared by estimate first, the texts only when it is close.
    conn.execute("CREATE TABLE doc_minhash (doc_id INTEGER PRIMARY KEY, signature BLOB NOT NULL)")
    conn.execute("CREATE TRIGGER documents_minhash_cleanup AFTER DELETE ON documents "
                 "BEGIN DELETE FROM doc_minhash WHERE doc_id = old.id; END")


@migration(6, "changes keep the previous text; drop the never-filled documents.simhash")
def _v6(conn: sqlite3.Connection, db: sqlite_utils.Database) -> None:
    # The text a 'changed' row replaced, so `scraper changes --diff` can show what changed
    # (the text after it is the next change's old_text, or the document's current text).
    conn.execute("ALTER TABLE changes ADD COLUMN old_text TEXT")
    # Near duplicates are found with MinHash (doc_lsh / doc_minhash): simhash was never written.
    conn.execute("ALTER TABLE documents DROP COLUMN simhash")


@migration(7, "page kind reasons; runs: list pages and unreachable sites")
def _v7(conn: sqlite3.Connection, db: sqlite_utils.Database) -> None:
    # Why the crawler called a page an article or a list (`scraper show` prints it).
    conn.execute("ALTER TABLE pages ADD COLUMN kind_reason TEXT")
    # Pages stored without a document (list pages: crawled for links): counted apart,
    # so that `new` / `changed` / `unchanged` count documents only.
    conn.execute("ALTER TABLE runs ADD COLUMN lists INTEGER NOT NULL DEFAULT 0")
    # Sites that yielded nothing in the run because they could not be reached: {name: why}.
    conn.execute("ALTER TABLE runs ADD COLUMN unreachable TEXT NOT NULL DEFAULT '{}'")


# documents as of v7, with page_type inserted before text (text stays last: see v1).
_DOCUMENT_COLUMNS_V8 = (
    "id", "url", "site", "date", "lang", "title", "source", "author", "editor", "site_name",
    "canonical_url", "description", "encoding", "encoding_source", "text_hash", "duplicate_of",
    "near_duplicate_of", "extractor_version", "first_seen", "last_seen", "last_changed", "page_type", "text",
)


@migration(8, "documents.page_type (article, forum, listing, ...)")
def _v8(conn: sqlite3.Connection, db: sqlite_utils.Database) -> None:
    # ALTER TABLE ADD COLUMN would put page_type after text, so reading it (a facet, a
    # --type filter) would walk every long text's overflow pages: the table is rebuilt
    # with text still last. Ids are copied, so the search index and doc_lsh stay valid;
    # the indexes and triggers are re-created from their own SQL.
    kept = [r[0] for r in conn.execute(
        "SELECT sql FROM sqlite_master WHERE tbl_name = 'documents' AND type IN ('index', 'trigger') "
        "AND sql IS NOT NULL ORDER BY type, name")]
    types = {"id": int}
    _create(db, conn, "documents_v8", {c: types.get(c, str) for c in _DOCUMENT_COLUMNS_V8}, pk="id",
            not_null=["url", "site", "text", "text_hash", "first_seen", "last_seen", "last_changed"],
            foreign_keys=[("url", "pages", "url")])
    copied = ", ".join(c for c in _DOCUMENT_COLUMNS_V8 if c != "page_type")
    conn.execute(f"INSERT INTO documents_v8 ({copied}) SELECT {copied} FROM documents")
    conn.execute("DROP TABLE documents")  # drops its indexes and triggers too (fired by nothing)
    conn.execute("ALTER TABLE documents_v8 RENAME TO documents")
    for sql in kept:
        conn.execute(sql)
    # `scraper search --type forum` and the Datasette facet read the index, not the table.
    conn.execute("CREATE INDEX documents_page_type ON documents (page_type)")
