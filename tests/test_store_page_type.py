"""documents.page_type (schema v8): stored on every save path, exported, shown, searchable
with `--type`, faceted in Datasette; a v7 store written by the v7 code keeps every row."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

import scraper
from scraper.cli import main
from scraper.crawl import neardup
from scraper.crawl.dedup import signature
from scraper.errors import QueryError
from scraper.models import PAGE_TYPES, PageRecord
from scraper.store import Store, parse_query
from store_corpus import documents, page_for

ROOT = Path(__file__).resolve().parents[1]
TABLES = ("pages", "documents", "changes", "runs", "frontier", "doc_lsh", "doc_minhash")
MATCH_SQL = ("SELECT d.url FROM documents_fts JOIN documents AS d ON d.id = documents_fts.rowid "
             "WHERE documents_fts MATCH ?")
QUERIES = ("疫", "疫情", "疫情防控", "乡村振兴", "vaccine", "COVID疫情", "疫情 -防控")


def typed():
    """The corpus with a page type on each document (forum for every third)."""
    return [replace(d, page_type="forum" if i % 3 == 0 else "article") for i, d in enumerate(documents())]


def snapshot(conn: sqlite3.Connection) -> dict[str, list[tuple]]:
    out = {}
    for table in TABLES:
        cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if r[1] != "page_type"]
        out[table] = [tuple(r) for r in conn.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY rowid")]
    return out


def write_v7_store(path: Path) -> list:
    """What a store looks like after crawls by the v7 code: documents (one changed twice),
    a list page, a failure, near-duplicate keys, a frontier row, two runs."""
    docs = documents()
    with Store.open(path, migrate_to=7) as old:
        run = old.start_run("crawl")
        for doc in docs:
            old.save(page_for(doc, kind="article", kind_reason="main text"), doc, run_id=run)
            neardup.record(old.conn, doc.url, signature(doc.text), doc.text)
        old.save(PageRecord("http://www.gov.cn/list/", status=200, body=b"<a href=x>x</a>", kind="list"), run_id=run)
        old.save(PageRecord("http://www.gov.cn/gone.html", status=404, error="HTTPStatusError: 404"), run_id=run)
        old.conn.execute("INSERT INTO frontier (url, site) VALUES ('http://www.gov.cn/next', 'www.gov.cn')")
        old.finish_run(run)
        again = old.start_run("crawl")
        for n in (1, 2):
            changed = replace(docs[0], text=docs[0].text + f"\n补充说明第{n}条。")
            old.save(page_for(changed, fetched_at=f"2024-05-2{n}T08:00:00Z"), changed, run_id=again)
        old.finish_run(again)
        assert old.schema_version == 7
        assert "page_type" not in {r[1] for r in old.conn.execute("PRAGMA table_info(documents)")}
    return docs


def test_a_v7_store_keeps_every_row_and_its_search_on_upgrade(tmp_path):
    path = tmp_path / "v7.db"
    docs = write_v7_store(path)
    conn = sqlite3.connect(path)
    before = snapshot(conn)
    matched = {q: {r[0] for r in conn.execute(MATCH_SQL, (parse_query(q).expression,))} for q in QUERIES}
    conn.close()
    assert all(matched.values())
    with Store.open(path) as store:
        assert store.schema_version == 8
        assert snapshot(store.conn) == before  # every row of every table, ids included
        assert {q: {h.url for h in store.search(q, limit=100)} for q in QUERIES} == matched
        assert store.conn.execute("SELECT count(*) FROM documents WHERE page_type IS NOT NULL").fetchone()[0] == 0
        cols = [r[1] for r in store.conn.execute("PRAGMA table_info(documents)")]
        assert cols[-2:] == ["page_type", "text"]  # text stays last
        store.conn.execute("INSERT INTO documents_fts(documents_fts) VALUES ('integrity-check')")
        assert store.get(docs[0].url).page.kind_reason == "main text"
        assert len(store.changes()) == len(docs) + 2
        # the delete trigger still drops a document's near-duplicate keys
        doc_id = store.conn.execute("SELECT id FROM documents WHERE url = ?", (docs[1].url,)).fetchone()[0]
        assert store.conn.execute("SELECT count(*) FROM doc_lsh WHERE doc_id = ?", (doc_id,)).fetchone()[0] > 0
        store.delete(docs[1].url)
        assert store.conn.execute("SELECT count(*) FROM doc_lsh WHERE doc_id = ?", (doc_id,)).fetchone()[0] == 0
    foreign = sqlite3.connect(path)  # the guard triggers came back with the table
    with pytest.raises(sqlite3.OperationalError, match="scraper_store_only"):
        foreign.execute("UPDATE documents SET text = 'x'")
    foreign.close()


def test_page_type_is_saved_updated_and_read_back(tmp_path):
    with Store.open(tmp_path / "s.db") as store:
        docs = typed()
        store.save_many([(page_for(d), d) for d in docs])
        assert [store.get(d.url).document.page_type for d in docs] == [d.page_type for d in docs]
        forum = replace(docs[1], text=docs[1].text + "\n回复：同意。", page_type="forum")
        assert store.save(page_for(forum), forum).outcome == "changed"
        assert store.get(forum.url).document.page_type == "forum"


def test_search_and_count_filter_by_page_type(tmp_path):
    with Store.open(tmp_path / "s.db") as store:
        docs = typed()
        store.save_many([(page_for(d), d) for d in docs])
        forums = {d.url for d in docs if d.page_type == "forum"}
        everything = {h.url for h in store.search("疫情", limit=100)}
        hits = store.search("疫情", page_type="forum", limit=100)
        assert {h.url for h in hits} == everything & forums and hits
        assert all(h.page_type == "forum" for h in hits)
        assert store.count("疫情", page_type="forum") == len(hits)
        assert store.count("疫情", page_type="Article") == len(everything - forums)
        with pytest.raises(QueryError, match="type: expected one of article, forum"):
            store.search("疫情", page_type="forums")


def test_cli_search_type_show_and_export(tmp_path):
    db = tmp_path / "s.db"
    with Store.open(db) as store:
        docs = typed()
        store.save_many([(page_for(d), d) for d in docs])
    runner = CliRunner()
    r = runner.invoke(main, ["search", "疫情", "--type", "forum", "--json", "--db", str(db)])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["hits"] and {h["page_type"] for h in data["hits"]} == {"forum"}
    bad = runner.invoke(main, ["search", "疫情", "--type", "blog", "--db", str(db)])
    assert bad.exit_code == 2 and "type: expected one of" in bad.stderr and "Traceback" not in bad.output
    shown = runner.invoke(main, ["show", docs[0].url, "--db", str(db)])
    assert "type: forum" in shown.stdout.splitlines()
    as_json = json.loads(runner.invoke(main, ["show", docs[0].url, "--format", "json", "--db", str(db)]).stdout)
    assert as_json["document"]["page_type"] == "forum"
    jsonl = runner.invoke(main, ["export", "--db", str(db)]).stdout.splitlines()
    assert {json.loads(line)["url"]: json.loads(line)["page_type"] for line in jsonl} == {
        d.url: d.page_type for d in docs}
    out = tmp_path / "out.csv"
    assert runner.invoke(main, ["export", "--format", "csv", "-o", str(out), "--db", str(db)]).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert {row["url"]: row["page_type"] for row in rows} == {d.url: d.page_type for d in docs}


def test_clean_save_stores_the_page_type_the_extractor_found(tmp_path):
    page = ROOT / "fixtures" / "pages" / "forum-discuz-gbk-thread.html"
    expected = scraper.clean(page.read_bytes(), page.as_uri()).page_type
    assert expected == "forum"
    db = tmp_path / "s.db"
    result = CliRunner().invoke(main, ["clean", "--save", "--db", str(db), str(page)])
    assert result.exit_code == 0, result.output
    with Store.open(db) as store:
        (url,) = [r[0] for r in store.conn.execute("SELECT url FROM documents")]
        assert store.get(url).document.page_type == "forum"


def test_reextract_fills_the_page_type_of_documents_stored_before_v8(tmp_path):
    path = tmp_path / "v7.db"
    docs = write_v7_store(path)
    originals = {d.url: d for d in documents()}

    def cleaner(body, url, *, content_type=None):
        stored = originals.get(url)
        if stored is None:
            raise scraper.NoContentError("not an article")
        text = store.get(url).document.text  # the text is unchanged: only metadata is new
        return replace(stored, text=text, page_type="forum" if "疫情" in stored.title else "article")

    with Store.open(path) as store:
        result = store.reextract(cleaner)
        assert result.changed == len(docs) and result.text_changed == 0
        types = dict(store.conn.execute("SELECT url, page_type FROM documents"))
        assert set(types.values()) <= set(PAGE_TYPES) and "forum" in types.values()
        assert {h.url for h in store.search("疫情", page_type="forum", limit=100)} == {
            u for u, t in types.items() if t == "forum"}


def test_datasette_facets_documents_on_page_type(tmp_path):
    datasette_app = pytest.importorskip("datasette.app")
    import asyncio

    db = tmp_path / "scraper.db"
    docs = typed()
    with Store.open(db) as store:
        store.save_many([(page_for(d), d) for d in docs])
    ds = datasette_app.Datasette([str(db)])
    response = asyncio.run(ds.client.get("/scraper/documents.json?_size=max"))
    assert response.status_code == 200, response.text[:300]
    facet = response.json()["facet_results"]["page_type"]["results"]
    assert {f["value"]: f["count"] for f in facet} == {
        t: sum(d.page_type == t for d in docs) for t in ("forum", "article")}
