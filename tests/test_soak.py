"""The SIGKILL soak, small enough for the suite (tests/benchmarks/soak.py runs the full
one): `scraper crawl`, `scraper reextract` and `scraper clean --save` are each killed
at random moments and run again to their end; nothing is lost, nothing is stored
twice, the store's integrity holds and every killed run is marked interrupted."""

from __future__ import annotations

import random

from crawlkit import article, list_page
from httpserv import RawServer, page
from soak import article_paths, check_search, soak_clean_save, soak_crawl, soak_reextract, stale_documents

ARTICLES, COLUMNS, KILLS = 240, 8, 3


def _serve(srv: RawServer) -> int:
    paths = article_paths(ARTICLES)
    cols = [f"/col/col{c}/index.html" for c in range(COLUMNS)]
    srv.route("/", page(list_page(cols)))
    for c, col in enumerate(cols):
        srv.route(col, page(list_page(paths[c::COLUMNS])))
    for i, path in enumerate(paths):
        srv.route(path, page(article(i)))
    return 1 + COLUMNS


def test_sigkill_soak_of_crawl_then_reextract(tmp_path):
    rng = random.Random(8)
    db, sites = tmp_path / "s.db", tmp_path / "sites.toml"
    with RawServer() as srv:
        lists = _serve(srv)
        sites.write_text(f'[crawl]\nconcurrency = 8\ndelay = 0\nsite_concurrency = 8\n\n'
                         f'[[sites]]\nname = "t"\nseeds = ["{srv.url("/")}"]\n', encoding="utf-8")
        crawled = soak_crawl(db, sites, ARTICLES, lists, KILLS, rng)
        assert crawled.kills == KILLS and not crawled.problems, crawled.line()
        phrases = {f"第{i}号文章": srv.url(p) for i, p in enumerate(article_paths(ARTICLES))}
        check_search(db, crawled, phrases)
        assert not crawled.problems, crawled.line()
    assert stale_documents(db) == ARTICLES
    redone = soak_reextract(db, ARTICLES, ARTICLES + lists, KILLS, rng)
    assert redone.kills == KILLS and not redone.problems, redone.line()


def test_sigkill_soak_of_clean_save(tmp_path):
    rng = random.Random(13)
    pages = tmp_path / "pages"
    pages.mkdir()
    for i in range(120):
        (pages / f"a{i:04d}.html").write_bytes(article(i))
    result = soak_clean_save(tmp_path / "s.db", pages, 120, KILLS, rng)
    assert result.kills == KILLS and not result.problems, result.line()
