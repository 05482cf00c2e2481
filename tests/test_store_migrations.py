"""Migrations: an old store upgrades on open, a newer one is refused, history is recorded."""

from __future__ import annotations

import sqlite3

import pytest

from scraper.errors import SchemaVersionError, StoreError
from scraper.models import PageRecord
from scraper.store import Store, latest_version
from scraper.store.connection import connect
from scraper.store.migrations import known_migrations, migrate
from store_corpus import documents


def test_fresh_store_has_every_migration_recorded(tmp_path):
    with Store.open(tmp_path / "s.db") as s:
        rows = s.conn.execute("SELECT version, name FROM migrations ORDER BY version").fetchall()
        assert [r[0] for r in rows] == list(range(1, latest_version() + 1))
        assert s.schema_version == latest_version()
        tables = {r[0] for r in s.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {"pages", "documents", "changes", "runs", "frontier", "documents_fts", "migrations"} <= tables


def test_a_v1_store_is_upgraded_and_its_documents_become_searchable(tmp_path):
    path = tmp_path / "old.db"
    with Store.open(path, migrate_to=1) as old:
        assert old.schema_version == 1
        doc = documents()[0]
        # written as v1 code would (today's writer needs today's columns); no search index in v1
        old.conn.execute("INSERT INTO pages (url, site, status, fetched_at) VALUES (?, 'www.gov.cn', 200, ?)",
                         (doc.url, "2024-05-19T08:00:00Z"))
        old.conn.execute("INSERT INTO documents (url, site, title, text, text_hash, first_seen, last_seen, "
                         "last_changed) VALUES (?, 'www.gov.cn', ?, ?, ?, 'x', 'x', 'x')",
                         (doc.url, doc.title, doc.text, doc.text_hash))
        assert "documents_fts" not in {r[0] for r in old.conn.execute("SELECT name FROM sqlite_master")}
    with Store.open(path) as s:
        assert s.schema_version == latest_version()
        assert [h.url for h in s.search("疫情防控")] == [doc.url]
        assert [h.url for h in s.search("疫")] == [doc.url]
        s.conn.execute("INSERT INTO frontier (url, site) VALUES ('http://www.gov.cn/', 'www.gov.cn')")
        row = s.conn.execute("SELECT state, depth, attempts FROM frontier").fetchone()
        assert tuple(row) == ("queued", 0, 0)


def test_a_newer_store_is_refused_with_a_clear_message(tmp_path):
    path = tmp_path / "new.db"
    Store.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO migrations VALUES (?, 'from the future', '2030-01-01T00:00:00Z')",
                 (latest_version() + 1,))
    conn.commit()
    conn.close()
    with pytest.raises(SchemaVersionError, match=rf"schema version {latest_version() + 1}.*upgrade scraper"):
        Store.open(path)


def test_a_foreign_sqlite_file_or_junk_is_refused(tmp_path):
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="not a scraper store"):
        Store.open(other)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match="cannot open"):
        Store.open(junk)


def test_migrate_is_idempotent_and_versions_are_contiguous(tmp_path):
    conn = connect(tmp_path / "m.db")
    assert migrate(conn, "m.db") == list(range(1, latest_version() + 1))
    assert migrate(conn, "m.db") == []
    assert [m.version for m in known_migrations()] == list(range(1, latest_version() + 1))
    conn.close()


def test_a_failing_migration_leaves_the_store_at_its_old_version(tmp_path, monkeypatch):
    from scraper.store import migrations

    path = tmp_path / "f.db"
    Store.open(path, migrate_to=1).close()

    def broken(conn, db):
        conn.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("disk on fire")

    original = migrations._REGISTRY[2]
    monkeypatch.setitem(migrations._REGISTRY, 2, migrations.Migration(2, "broken", broken))
    with pytest.raises(RuntimeError):
        Store.open(path)
    monkeypatch.setitem(migrations._REGISTRY, 2, original)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT max(version) FROM migrations").fetchone()[0] == 1
    assert not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'half_done'").fetchone()
    conn.close()


@pytest.mark.parametrize("version", range(1, latest_version()))
def test_a_store_of_every_older_version_upgrades_and_keeps_its_data(tmp_path, version):
    """Written by the store at that version (opened with migrate_to), then opened by
    today's code: the rows survive, v6 and v7 columns exist and work."""
    from store_corpus import page_for

    path = tmp_path / f"v{version}.db"
    first, second = documents()[:2]
    with Store.open(path, migrate_to=version) as old:
        run = old.start_run("crawl")
        old.save(page_for(first, kind="article"), first, run_id=run)
        old.save(page_for(second, kind="list"), None, run_id=run)
        old.save(PageRecord("http://www.gov.cn/gone.html", status=404, error="HTTPStatusError: 404"), run_id=run)
        old.finish_run(run)
    with Store.open(path) as store:
        assert store.schema_version == latest_version() == 8
        assert [h.url for h in store.search("疫情防控")] == [first.url]
        page = store.get(first.url).page
        assert page.kind == "article" and page.kind_reason is None  # decided before reasons were kept
        row = store.conn.execute("SELECT lists, unreachable FROM runs WHERE id = ?", (run,)).fetchone()
        assert tuple(row) == (int(version >= 7), "{}")  # before v7 the list page is in `fetched` only
        assert (store.run(run).fetched, store.run(run).failed) == (3, 1)
        assert store.get("http://www.gov.cn/gone.html").page.error == "HTTPStatusError: 404"
        columns = {r[1] for r in store.conn.execute("PRAGMA table_info(documents)")}
        assert "simhash" not in columns
        again = store.start_run("crawl")
        store.save(page_for(second, kind="list", kind_reason="a list of links (url:col)"), None, run_id=again)
        store.finish_run(again)
        assert store.run(again).lists == 1
        assert store.get(second.url).page.kind_reason == "a list of links (url:col)"
