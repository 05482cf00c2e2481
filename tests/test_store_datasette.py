"""The store in Datasette: the canned `search` query finds 1-, 2- and N-character
Chinese strings and English words; built-in `_search` works for 2-character words."""

from __future__ import annotations

import asyncio
from urllib.parse import quote

import pytest

from scraper.store import Store, datasette_metadata
from store_corpus import fill

datasette_app = pytest.importorskip("datasette.app")


@pytest.fixture(scope="module")
def db_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("ds") / "scraper.db"
    with Store.open(path) as s:
        fill(s)
    return path


def get_json(ds, path):
    async def go():
        response = await ds.client.get(path)
        assert response.status_code == 200, response.text
        return response.json()

    return asyncio.run(go())


@pytest.fixture(scope="module")
def ds(db_path):
    return datasette_app.Datasette([str(db_path)], metadata=datasette_metadata("scraper"))


@pytest.mark.parametrize("q", ["疫", "疫情", "防控阻击战", "春耕备耕", "vaccine"])
def test_canned_search_matches_store_search(ds, db_path, q):
    rows = get_json(ds, f"/scraper/search.json?q={quote(q)}&_shape=array")
    with Store.open(db_path) as s:
        expected = [h.url for h in s.search(q, limit=100)]
    assert [r["url"] for r in rows] == expected
    assert all(q.lower() in (r["snippet"] + r["title"]).lower() for r in rows)


def test_canned_search_finds_the_right_row(ds):
    rows = get_json(ds, f"/scraper/search.json?q={quote('阻击战')}&_shape=array")
    assert [r["title"] for r in rows] == ["通渭县强化政治保证大打疫情防控阻击战"]


def test_builtin_search_on_the_index_with_the_tokenised_form(ds):
    # Datasette's own _search against the FTS table, raw mode, bigram phrase of 防控阻击战
    expr = quote('"防控 控阻 阻击 击战"')
    rows = get_json(ds, f"/scraper/documents_fts.json?_search={expr}&_searchmode=raw&_shape=array")
    assert len(rows) == 1
