"""Article or list page, decided by what the page holds: a plain site whose articles are
six 60-character paragraphs, pages whose URLs say nothing, per-site `article_urls` /
`list_urls` patterns; `scraper show` says the kind and why; `summary.new` counts
documents, not list pages."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from crawlkit import config, crawl, list_page, rows
from httpserv import RawServer, page

from scraper.cli import main
from scraper.crawl.config import config_from_dict
from scraper.errors import ConfigError
from scraper.store import Store

PARAGRAPH = "全县各乡镇认真落实春耕备耕各项措施，组织农技人员深入田间地头开展技术指导服务，确保粮食播种面积稳定在上年水平"


def _paragraphs(n: int) -> str:
    lines = [f"{PARAGRAPH[:54]}第{n}篇第{i}段。" for i in range(6)]
    assert all(len(line) >= 60 for line in lines)
    return "".join(f"<p>{line}</p>" for line in lines)


def plain_article(n: int) -> bytes:
    """No CMS template, no menus: a title and six paragraphs of 60 characters."""
    return (f"<html><head><meta charset=utf-8><title>第{n}篇</title></head><body><h1>春耕简报第{n}篇</h1>"
            f"{_paragraphs(n)}</body></html>").encode()


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "s.db") as s:
        yield s


def test_a_plain_site_of_short_paragraph_articles_is_stored_as_documents(store):
    arts = [f"/art/2024/1/5/art_123_{456 + i}.html" for i in range(40)]
    with RawServer() as srv:
        srv.route("/", page(list_page(["/col/col1/index.html", "/col/col2/index.html"])))
        srv.route("/col/col1/index.html", page(list_page(arts[:20])))
        srv.route("/col/col2/index.html", page(list_page(arts[20:])))
        for i, path in enumerate(arts):
            srv.route(path, page(plain_article(i)))
        summary = crawl(config(srv.url("/")), store)
    assert (summary.new, summary.lists, summary.failed) == (40, 3, 0)  # new counts documents only
    assert rows(store, "SELECT count(*) FROM documents") == [(40,)]
    kinds = dict(rows(store, "SELECT kind, count(*) FROM pages GROUP BY kind"))
    assert kinds == {"article": 40, "list": 3}


def test_the_page_decides_when_the_url_says_nothing(store):
    with RawServer() as srv:
        srv.route("/", page(list_page(["/news/a.html", "/about/b.html", "/news/list.html"])))
        srv.route("/news/a.html", page(plain_article(1)))
        srv.route("/about/b.html", page(plain_article(2)))
        srv.route("/news/list.html", page(list_page([f"/news/{i}.html" for i in range(30)])))
        summary = crawl(config(srv.url("/"), max_depth=1), store)
    assert summary.new == 2 and summary.lists == 2
    kind = dict(rows(store, "SELECT url, kind FROM pages"))
    assert kind[srv.url("/news/a.html")] == kind[srv.url("/about/b.html")] == "article"
    assert kind[srv.url("/news/list.html")] == "list"


def test_site_patterns_overrule_the_page_and_show_says_why(tmp_path):
    db = tmp_path / "s.db"
    with RawServer() as srv:
        srv.route("/", page(list_page(["/p/1001", "/zt/2024/index.html"])))
        srv.route("/p/1001", page(plain_article(1)))
        srv.route("/zt/2024/index.html", page(plain_article(2)))  # text, but a 专题 page on this site
        cfg = config(srv.url("/"), article_urls=[r"/p/\d+$"], list_urls=["/zt/"])
        with Store.open(db) as store:
            summary = crawl(cfg, store)
            assert (summary.new, summary.lists) == (1, 2)
            assert rows(store, "SELECT kind FROM frontier WHERE url = ?", srv.url("/p/1001")) == [("article",)]
        runner = CliRunner()
        shown = runner.invoke(main, ["show", srv.url("/zt/2024/index.html"), "--db", str(db)])
        article = runner.invoke(main, ["show", srv.url("/p/1001"), "--db", str(db), "--format", "json"])
        home = runner.invoke(main, ["show", srv.url("/"), "--db", str(db)])
    assert shown.exit_code == 0 and "kind: list (list_urls pattern '/zt/')" in shown.output
    assert "(no document: a list page, crawled for its links)" in shown.output
    assert json.loads(article.output)["page"]["kind_reason"] == r"article_urls pattern '/p/\\d+$'"
    assert "kind: list (only 0 characters of text outside links)" in home.output


def test_show_gives_the_evidence_for_an_article(tmp_path):
    db = tmp_path / "s.db"
    with RawServer() as srv:
        srv.route("/", page(list_page(["/news/a.html"])))
        srv.route("/news/a.html", page(plain_article(7)))
        with Store.open(db) as store:
            crawl(config(srv.url("/")), store)
        shown = CliRunner().invoke(main, ["show", srv.url("/news/a.html"), "--db", str(db)])
    assert shown.exit_code == 0
    assert "kind: article (main text of" in shown.output and "0% of it link text" in shown.output


@pytest.mark.parametrize("key,value,problem", [
    ("article_urls", ["("], "sites[0].article_urls[0]: bad regular expression '('"),
    ("list_urls", "/col/", "sites[0].list_urls: expected a list"),
])
def test_bad_patterns_are_config_errors(key, value, problem):
    with pytest.raises(ConfigError, match=problem.replace("[", r"\[").replace("(", r"\(")):
        config_from_dict({"sites": [{"name": "t", "seeds": ["http://x.cn/"], key: value}]}, "sites.toml")
