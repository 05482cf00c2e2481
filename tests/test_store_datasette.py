"""The store in Datasette, through the shipped plugin (entry point `datasette`), tested
with Datasette's own test client: `_search` on documents and the canned `search`
query find what `scraper search` finds; hits are marked, long text is cut in table
views, internal tables are hidden, facets and newest-first order are set."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from urllib.parse import quote

import pytest

from scraper.store import Store, datasette_metadata
from scraper.store.datasette import TRUNCATE
from store_corpus import RAW, fill

datasette_app = pytest.importorskip("datasette.app")

QUERIES = ["疫", "疫情", "防控阻击战", "疫情 防控", '"COVID 疫情"', "疫情 OR 春耕", "疫情 -防控", "vaccine",
           "COVID疫情", "2022年", "加強", "vacc*"]


@pytest.fixture(scope="module")
def db_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("ds") / "scraper.db"
    with Store.open(path) as s:
        fill(s)
    return path


def fetch(ds, path, status=200):
    async def go():
        return await ds.client.get(path)

    response = asyncio.run(go())
    assert response.status_code == status, response.text[:500]
    return response


def get_json(ds, path):
    return fetch(ds, path).json()


@pytest.fixture(scope="module")
def ds(db_path):
    return datasette_app.Datasette([str(db_path)])


def test_the_plugin_is_loaded_through_its_entry_point(ds):
    plugins = get_json(ds, "/-/plugins.json")
    mine = [p for p in plugins if p["name"] == "scraper-sqlite"]
    assert mine, plugins
    assert {"filters_from_request", "render_cell", "get_metadata", "prepare_connection"} <= set(mine[0]["hooks"])


@pytest.mark.parametrize("q", QUERIES)
def test_search_on_documents_finds_what_scraper_search_finds(ds, db_path, q):
    data = get_json(ds, f"/scraper/documents.json?_search={quote(q)}&_size=max&_col=url")
    with Store.open(db_path) as s:
        expected = {h.url for h in s.search(q, limit=1000)}
        total = s.count(q)
    assert expected, f"the corpus should match {q!r}"
    assert {row[1] for row in data["rows"]} == expected  # rows: [id, url]
    assert data["filtered_table_rows_count"] == total


def test_search_box_is_shown_and_hits_are_marked(ds):
    html = fetch(ds, f"/scraper/documents?_search={quote('疫情')}").text
    assert re.search(r'<input[^>]*id="_search"[^>]*value="疫情"', html)
    assert "<mark>疫情</mark>" in html
    assert "where search matches" in html


def test_long_text_is_cut_in_the_table_view_and_whole_on_the_row_page(ds, db_path):
    longest = max(RAW, key=lambda r: len(r["text"]))
    assert len(longest["text"]) > TRUNCATE + 50
    html = fetch(ds, "/scraper/documents").text
    last_line = longest["text"].split("\n")[-1]
    assert last_line not in html  # the end of the longest text is cut off
    assert longest["text"].replace("\n", " ")[:60] in html  # its start is shown
    with Store.open(db_path) as s:
        doc_id = s.conn.execute("SELECT id FROM documents WHERE url = ?", (longest["url"],)).fetchone()[0]
    row_html = fetch(ds, f"/scraper/documents/{doc_id}").text
    assert last_line in row_html


def test_snippet_is_cut_around_the_hit(ds):
    text = max(RAW, key=lambda r: len(r["text"]))["text"]
    late = next(w for w in re.findall(r"[A-Za-z]{6,}", text)
                if re.search(rf"\b{w}\b", text, re.I).start() > TRUNCATE + 20)  # past the cut of the plain view
    html = fetch(ds, f"/scraper/documents?_search={quote(late)}").text
    assert re.search(rf"<mark>{late}</mark>", html, re.I)


def test_internal_tables_are_hidden(ds):
    tables = {t["name"]: t["hidden"] for t in get_json(ds, "/scraper.json")["tables"]}
    for name in ("doc_lsh", "doc_minhash", "migrations", "documents_fts", "documents_fts_data",
                 "documents_fts_idx", "documents_fts_config"):
        assert tables.get(name) is True, name
    for name in ("documents", "pages", "changes", "runs", "frontier"):
        assert tables[name] is False, name


def test_facets_on_site_date_and_lang_and_newest_first(ds):
    data = get_json(ds, "/scraper/documents.json?_col=date&_size=max")
    assert {"site", "date", "lang"} <= set(data["facet_results"])
    dates = [row[1] for row in data["rows"] if row[1]]
    assert dates == sorted(dates, reverse=True) and len(set(dates)) > 3
    sites = {f["value"] for f in data["facet_results"]["site"]["results"]}
    assert "www.gov.cn" in sites


@pytest.mark.parametrize("q", ["疫", "疫情", "防控阻击战", "疫情 防控", "2022年", "vaccine", "疫情 -防控"])
def test_canned_search_is_ranked_like_scraper_search(ds, db_path, q):
    rows = get_json(ds, f"/scraper/search.json?q={quote(q)}&_shape=array")
    with Store.open(db_path) as s:
        expected = [h.url for h in s.search(q, limit=100)]
    assert expected and [r["url"] for r in rows] == expected
    html = fetch(ds, f"/scraper/search?q={quote(q.split()[0])}").text
    assert "<mark>" in html


def test_a_bad_query_says_why_and_returns_no_rows(ds):
    data = get_json(ds, "/scraper/documents.json?_search=" + quote('"疫情'))
    assert data["rows"] == []
    assert "unbalanced double quote" in data["human_description_en"]
    assert get_json(ds, "/scraper/search.json?q=&_shape=array") == []


def test_a_database_that_is_not_a_store_is_left_alone(tmp_path):
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE documents (id INTEGER PRIMARY KEY, title TEXT, text TEXT)")
    conn.execute("INSERT INTO documents VALUES (1, '疫情', ?)", ("长" * 1000,))
    conn.commit()
    conn.close()
    ds = datasette_app.Datasette([str(other)])
    html = fetch(ds, "/other/documents").text
    assert 'id="_search"' not in html  # no FTS table: Datasette's own behaviour, untouched
    data = get_json(ds, "/other.json")
    assert all(not t["hidden"] for t in data["tables"])


def test_metadata_command_matches_what_the_plugin_applies():
    meta = datasette_metadata("scraper")["databases"]["scraper"]
    assert meta["tables"]["documents"]["sort_desc"] == "date"
    assert meta["tables"]["doc_lsh"]["hidden"] is True
    assert "scraper_match(:q)" in meta["queries"]["search"]["sql"]


def test_search_results_show_the_hit_under_the_title_and_a_stylesheet(ds):
    html = fetch(ds, f"/scraper/documents?_search={quote('阻击战')}").text
    assert 'href="/-/scraper-sqlite.css"' in html
    title_cell = re.search(r'<td class="col-title[^"]*">(.*?)</td>', html, re.S).group(1)
    assert "<mark>阻击战</mark>" in title_cell and 'class="scraper-snippet"' in title_cell
    css = fetch(ds, "/-/scraper-sqlite.css")
    assert css.headers["content-type"].startswith("text/css") and "col-text" in css.text
