"""Search: every query class, recall identical to LIKE, filters, paging, snippets."""

from __future__ import annotations

import random
import re

import pytest

from scraper.errors import QueryError
from scraper.store import Store
from scraper.store.fts import CJK_CLASS
from store_corpus import RAW, fill

CJK_RUN = re.compile(f"[{CJK_CLASS}]+")


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = Store.open(tmp_path_factory.mktemp("search") / "scraper.db")
    fill(s)
    yield s
    s.close()


def urls(hits):
    return {h.url for h in hits}


def like(store, q):
    rows = store.conn.execute(
        "SELECT url FROM documents WHERE title LIKE ? OR text LIKE ?", (f"%{q}%", f"%{q}%")
    )
    return {r[0] for r in rows}


def search_all(store, q, **filters):
    hits = store.search(q, limit=1000, **filters)
    assert store.count(q, **filters) == len(hits)
    return urls(hits)


def cjk_runs():
    return [run for raw in RAW for field in (raw["title"], raw["text"]) for run in CJK_RUN.findall(field)]


def test_one_character_queries_equal_like_for_every_character(store):
    chars = sorted({c for run in cjk_runs() for c in run})
    assert len(chars) > 300
    for c in chars:
        assert search_all(store, c) == like(store, c), c


def test_two_character_queries_equal_like_for_every_bigram(store):
    bigrams = sorted({run[i : i + 2] for run in cjk_runs() for i in range(len(run) - 1)})
    assert len(bigrams) > 500
    for q in bigrams:
        assert search_all(store, q) == like(store, q), q


def test_n_character_queries_equal_like(store):
    rng = random.Random(7)
    runs = [r for r in cjk_runs() if len(r) >= 3]
    queries = set()
    for _ in range(400):
        run = rng.choice(runs)
        n = rng.randint(3, min(12, len(run)))
        start = rng.randint(0, len(run) - n)
        queries.add(run[start : start + n])
    # strings that look plausible but do not occur, or occur only across punctuation
    queries |= {"疫情防控工作会议", "抗疫情", "疫情都", "情都", "防控指挥部通告", "春耕生产进展"}
    for q in sorted(queries):
        assert search_all(store, q) == like(store, q), q


def test_the_classic_trigram_blind_spot(store):
    # SQLite's trigram tokenizer finds nothing for two characters; we must.
    conn = store.conn
    conn.execute("CREATE VIRTUAL TABLE temp.tri USING fts5(text, tokenize='trigram')")
    conn.execute("INSERT INTO temp.tri SELECT text FROM documents")
    assert conn.execute("SELECT count(*) FROM temp.tri WHERE tri MATCH '疫情'").fetchone()[0] == 0
    conn.execute("DROP TABLE temp.tri")
    assert len(search_all(store, "疫情")) == 5
    assert search_all(store, "疫情") == like(store, "疫情")


def test_character_at_the_end_of_a_run_and_word_split_by_punctuation(store):
    kangyi = "http://www.ahsz.gov.cn/news/2020/0320/kangyi.html"
    assert kangyi in search_all(store, "疫")  # "抗疫。" ends a run with 疫
    assert kangyi not in search_all(store, "疫情都")  # text has "疫，情，都": no such substring
    assert kangyi in search_all(store, "疫，情")  # punctuation in the query matches a separator


def test_traditional_characters_are_matched_as_written(store):
    hk = "https://www.info.gov.hk/gia/general/202201/05/P2022010500612.htm"
    assert search_all(store, "防疫措施") == {hk}
    assert search_all(store, "加強") == {hk}
    assert hk not in search_all(store, "加强")  # no simplified/traditional folding


def test_english_words_are_case_insensitive_whole_words(store):
    cd = "https://www.chinadaily.com.cn/a/202104/20/WS607e2a5ea31024ad0bab6a1b.html"
    assert search_all(store, "vaccine") == {cd}
    assert search_all(store, "VACCINE") == {cd}
    assert search_all(store, "vaccin") == set()  # words, not substrings
    assert search_all(store, "vaccin*") == {cd}
    assert search_all(store, "rural revitalization") == {
        "https://english.www.gov.cn/news/topnews/202303/05/content_WS6403f7.html"
    }


def test_mixed_chinese_english_queries(store):
    nhc = "http://www.nhc.gov.cn/xcs/yqtb/202212/abc123.shtml"
    assert search_all(store, "COVID 疫情") == {nhc}  # both terms, anywhere
    assert search_all(store, '"COVID 疫情"') == {nhc}  # as a phrase
    assert search_all(store, "COVID疫情防控") == {nhc}
    assert search_all(store, "COVID-19") >= {nhc}


def test_or_and_exclusion(store):
    either = search_all(store, "防汛 OR 春耕")
    assert either == search_all(store, "防汛") | search_all(store, "春耕")
    without = search_all(store, "疫情 -疫苗")
    assert without == search_all(store, "疫情") - search_all(store, "疫苗")
    assert search_all(store, "疫情 NOT 疫苗") == without


def test_filters_site_dates_lang(store):
    assert search_all(store, "疫情", site="www.gov.cn") == {RAW[0]["url"]}
    assert search_all(store, "疫情", site="gov.cn") >= {RAW[0]["url"], RAW[2]["url"]}  # subdomains
    assert search_all(store, "疫情", since="2022-01-01", until="2022-06-30") == {
        RAW[0]["url"], RAW[6]["url"], RAW[7]["url"]
    }
    assert search_all(store, "疫情", lang="zh-hk") == {RAW[7]["url"]}
    assert RAW[7]["url"] in search_all(store, "疫情", lang="zh")  # zh covers zh-HK
    assert search_all(store, "government", lang="en") == {RAW[13]["url"]}


@pytest.mark.parametrize(
    "filters,message",
    [
        (dict(since="yesterday"), "since"),
        (dict(until="2022-13-01"), "until"),
        (dict(since="2023-01-01", until="2022-01-01"), "after until"),
        (dict(lang="zh'; DROP TABLE documents; --"), "lang"),
        (dict(limit=0), "limit"),
        (dict(limit=10_000), "limit"),
        (dict(offset=-1), "offset"),
    ],
)
def test_bad_filters_raise_query_error(store, filters, message):
    with pytest.raises(QueryError, match=message):
        store.search("疫情", **filters)


def test_paging_is_stable_and_complete(store):
    everything = [h.url for h in store.search("疫情", limit=1000)]
    paged = [h.url for offset in range(0, 10, 2) for h in store.search("疫情", limit=2, offset=offset)]
    assert paged == everything
    assert store.search("疫情", offset=100) == []


def test_bm25_ranks_title_matches_first(store):
    hits = store.search("春耕")
    assert hits[0].title == "我省全力抓好春耕备耕生产"
    assert all(a.score >= b.score for a, b in zip(hits, hits[1:]))


def test_snippet_shows_original_text_with_highlights(store):
    hit = store.search("统筹疫情防控")[0]
    assert "统筹疫情防控和经济社会发展" in hit.snippet
    assert " 情防 " not in hit.snippet  # never the token string
    assert [hit.snippet[a:b] for a, b in hit.highlights] == ["统筹疫情防控"]
    assert "[统筹疫情防控]" in hit.marked()
    title_hit = store.search("阻击战")[0]
    assert title_hit.marked(title=True) == "通渭县强化政治保证大打疫情防控[阻击战]"


def test_hostile_input_gives_query_error_or_empty_result_never_sqlite_errors(store):
    hostile = ['"', '""', "'", "*", "-", "NEAR", "NEAR(a b)", "a:b", "^疫情", "疫情)", "((", "OR",
               "AND", "NOT", "\x00", "%", "_", "疫情' OR 1=1 --", "x" * 10_240, "疫" * 10_240, "\\"]
    for q in hostile:
        try:
            result = store.search(q)
        except QueryError as exc:
            assert str(exc)
        else:
            assert isinstance(result, list)


def test_search_after_update_and_delete_stays_in_sync(tmp_path):
    with Store.open(tmp_path / "s.db") as s:
        docs = fill(s)
        d = docs[11]  # 防汛
        from dataclasses import replace

        from store_corpus import page_for

        s.save(page_for(d), replace(d, text="水利部部署抗旱工作。"))
        assert search_all(s, "防汛") == {d.url}  # still in the title
        assert search_all(s, "会商会") == set()
        assert search_all(s, "抗旱") == {d.url}
        assert s.delete(d.url)
        assert search_all(s, "抗旱") == set()
        s.conn.execute("INSERT INTO documents_fts(documents_fts) VALUES ('integrity-check')")


def test_foreign_writers_cannot_desynchronise_the_index(tmp_path):
    import sqlite3

    path = tmp_path / "s.db"
    with Store.open(path) as s:
        fill(s)
    conn = sqlite3.connect(path)
    for sql in ("DELETE FROM documents", "UPDATE documents SET text = 'x'",
                "INSERT INTO documents (url, site, text, text_hash, first_seen, last_seen, last_changed) "
                "SELECT url, site, text, text_hash, first_seen, last_seen, last_changed FROM documents LIMIT 1"):
        with pytest.raises(sqlite3.OperationalError, match="scraper_store_only"):
            conn.execute(sql)
    conn.execute("UPDATE documents SET near_duplicate_of = NULL")  # unindexed columns are free
    conn.commit()
    conn.close()
    with Store.open(path) as s:
        s.conn.execute("INSERT INTO documents_fts(documents_fts) VALUES ('integrity-check')")
        assert len(search_all(s, "疫情")) == 5


def test_rank_window_bounds_ranking_work_not_the_matches(store):
    exact = [h.url for h in store.search("疫", limit=100, rank_window=None)]
    assert [h.url for h in store.search("疫", limit=100)] == exact  # fewer matches than the window
    windowed = store.search("疫", limit=100, rank_window=2)
    assert len(windowed) == len(exact)  # the window grows to cover the page asked for
    newest_two = {h.url for h in store.search("疫", limit=2, rank_window=2)}
    expr = '"疫" *'
    rows = store.conn.execute(
        "SELECT d.url FROM documents_fts JOIN documents d ON d.id = documents_fts.rowid "
        "WHERE documents_fts MATCH ? ORDER BY documents_fts.rowid DESC LIMIT 2", (expr,))
    assert newest_two == {r[0] for r in rows}  # ranked among the two most recently stored
    assert store.count("疫") == len(exact)
