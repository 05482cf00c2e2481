"""Tokenisation and query parsing: what reaches FTS5 is always built by us."""

from __future__ import annotations

import re
import sqlite3

import pytest

from scraper.errors import QueryError
from scraper.store.fts import _CJK_RUN, _expand_run, _index_tokens_numpy, index_tokens, phrase
from scraper.store.query import MAX_QUERY_CHARS, parse_query
from store_corpus import RAW


def toks(value):
    return index_tokens(value).split()


def test_cjk_runs_become_bigrams_plus_closing_unigram():
    assert toks("疫情防控") == ["疫情", "情防", "防控", "控"]
    assert toks("疫") == ["疫"]
    assert index_tokens("抗疫。疫，情") == " 抗疫 疫 。 疫 ， 情 "  # punctuation is unicode61's job


def test_non_cjk_text_is_left_to_unicode61():
    assert index_tokens("COVID-19疫情") == "COVID-19 疫情 情 "
    assert index_tokens(None) == ""
    assert index_tokens("，。！") == "，。！"


def test_kana_hangul_and_rare_han_are_bigrammed_too():
    assert toks("コロナ") == ["コロ", "ロナ", "ナ"]
    assert toks("방역") == ["방역", "역"]
    assert toks("𠀋𠀌") == ["𠀋𠀌", "𠀌"]  # CJK extension B, outside the BMP


def test_numpy_and_regex_paths_agree():
    samples = [r["text"] for r in RAW] + [r["title"] for r in RAW]
    samples += ["", "a", "疫", "疫情", "x疫y", "疫\n情", "𠀋疫情𠀌 COVID-19", "\x00疫情\x00", "ab" * 100]
    for text in samples:
        assert _index_tokens_numpy(text) == _CJK_RUN.sub(_expand_run, text.replace("\x00", "")), text


@pytest.mark.parametrize(
    "term,tokens,prefix",
    [
        ("疫", ["疫"], True),  # 1 char: prefix of every bigram starting with it
        ("疫情", ["疫情"], False),
        ("疫情防控", ["疫情", "情防", "防控"], False),
        ("疫情，防控", ["疫情", "情", "，", "防控"], False),  # the first run must end at the comma
        ("COVID疫情", ["COVID", "疫情"], False),
        ("疫情COVID", ["疫情", "情", "COVID"], False),
        ("防，疫", ["防", "，", "疫"], True),
        ("疫情，", ["疫情", "，"], False),
    ],
)
def test_phrase(term, tokens, prefix):
    body, is_prefix = phrase(term)
    assert (body.split(), is_prefix) == (tokens, prefix)


def test_nothing_searchable():
    assert phrase("，。") is None and phrase("") is None


def test_expression_quotes_every_token():
    q = parse_query('疫情 "COVID 疫情" OR vacc* -境外')
    assert q.expression == '("疫情" AND "COVID 疫情") OR (("vacc" *) NOT "境外")'


def test_spaces_inside_a_chinese_phrase_are_ignored():
    assert parse_query('"疫情 防控"').expression == '("疫情 情防 防控")'


@pytest.mark.parametrize(
    "query",
    ['NEAR(疫情 防控)', '疫情 AND 防控', 'title:疫情', '疫情^', '(疫情)', '疫情 NOT 境外', "疫情*", "-- 疫情",
     "疫情 -", '{title text}: 疫情', "a* OR b*", "疫情 NEAR/2 防控"],
)
def test_fts5_syntax_in_user_input_is_never_syntax(query):
    expr = parse_query(query).expression
    # outside our quoted strings only our own operators remain ...
    outside = re.sub(r'"(?:[^"]|"")*"', "", expr)
    assert set(re.findall(r"[A-Z]+", outside)) <= {"AND", "OR", "NOT"}
    assert not re.search(r"[^()ANDORNT* ]", outside)
    # ... and FTS5 accepts the expression
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(title, text)")
    conn.execute("INSERT INTO t VALUES ('NEAR title', '疫情 防控 text')")
    conn.execute("SELECT count(*) FROM t WHERE t MATCH ?", (expr,)).fetchone()


@pytest.mark.parametrize(
    "query,message",
    [
        ("", "empty query"),
        ("   ", "empty query"),
        ('"疫情', "unbalanced double quote"),
        ('疫情 "防控" "', "unbalanced double quote"),
        ("，。！？", "nothing to search for"),
        ("* - ()", "nothing to search for"),
        ("OR 疫情", "OR needs a search term on each side"),
        ("疫情 OR", "OR needs a search term on each side"),
        ("-疫情", "only of excluded"),
        ("x" * (MAX_QUERY_CHARS + 1), "too long"),
        ("疫" * 10_240, "too long"),
        (" ".join(["词"] * 40), "too many search terms"),
    ],
)
def test_bad_queries_raise_clear_query_errors(query, message):
    with pytest.raises(QueryError, match=message):
        parse_query(query)


def test_highlighter_finds_cjk_substrings_and_whole_latin_words():
    pattern = parse_query("疫情 covid vacc*").highlighter()
    text = "COVID-19 疫情 vaccines discovid"
    assert [m.group() for m in pattern.finditer(text)] == ["COVID", "疫情", "vacc"]
