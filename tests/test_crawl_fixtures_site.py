"""The main job on the bundled site (fixtures/site/, served on loopback): every article
stored with its expected text, list pages kept without documents, broken links,
the redirect, robots and duplicates recorded; a second run finds nothing new.

Runs with the real process pool (workers=2), as `scraper crawl` does.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from crawlkit import rows
from test_fixtures import expected as fixture_expected
from test_fixtures import NAMES, normalise_lines

from scraper.crawl.config import config_from_dict
from scraper.crawl.runner import run_crawl
from scraper.store import Store

SITE_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "site"
sys.path.insert(0, str(SITE_DIR))
import serve  # noqa: E402  (fixtures/site/serve.py)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    server = serve.start(0)
    db = tmp_path_factory.mktemp("site") / "site.db"
    cfg = config_from_dict({"crawl": {"delay": 0, "revisit_lists": "0s", "revisit_articles": "0s"},
                            "sites": [{"name": "fixtures-site", "seeds": [server.origin + "/"]}]})
    try:
        with Store.open(db) as store:
            first = run_crawl(cfg, store, workers=2)
            changes_after_first = rows(store, "SELECT count(*) FROM changes")[0][0]
            second = run_crawl(cfg, store, workers=2)
        yield server, Store.open(db), first, second, changes_after_first
    finally:
        server.shutdown()


def url(server, path: str) -> str:
    return server.origin + path


def test_every_article_is_stored_with_its_expected_text(crawled):
    server, store, first, _, _ = crawled
    wrong = []
    for path, exp in server.site["articles"].items():
        entry = store.get(url(server, path))
        want = fixture_expected(exp["fixture"])["text"] if "fixture" in exp else exp["text"]
        if entry is None or entry.document is None:
            wrong.append(f"{path}: no document ({entry.page.error if entry else 'not fetched'})")
        elif normalise_lines(entry.document.text) != normalise_lines(want):
            wrong.append(f"{path}: text differs")
    assert not wrong, "\n".join(wrong)
    assert len(server.site["articles"]) >= 30
    served = {exp["fixture"] for exp in server.site["articles"].values() if "fixture" in exp}
    assert served == set(NAMES), "fixtures/site/site.json is stale: run python fixtures/site/build_site.py"
    assert rows(store, "SELECT count(*) FROM documents") == [(len(server.site["articles"]),)]


def test_list_pages_are_pages_not_documents(crawled):
    server, store, _, _, _ = crawled
    for path in server.site["lists"]:
        entry = store.get(url(server, path), body=False)
        assert entry is not None and entry.page.kind == "list" and entry.document is None, path
    assert rows(store, "SELECT count(*) FROM pages p JOIN documents d USING (url) WHERE p.kind = 'list'") == [(0,)]


def test_discovery_failures_redirect_and_robots(crawled):
    server, store, first, _, _ = crawled
    site = server.site
    for path in site["sitemap_only"] + site["feed_only"]:
        assert store.get(url(server, path)).document is not None, path
    assert first.failed_by_reason == {"http_404": len(site["broken"])}
    for path in site["broken"]:
        assert store.get(url(server, path)).page.error.startswith("http_404"), path
    (old, target), = site["redirect"].items()
    assert store.get(url(server, old)) is None and store.get(url(server, target)).document is not None
    assert first.skipped_by_reason == {"robots_disallowed": len(site["disallowed"])}
    assert store.get(url(server, site["pdf"][0])) is None  # attachments are not pages


def test_duplicates_are_recorded(crawled):
    server, store, first, _, _ = crawled
    (copy, original), = server.site["duplicate"].items()
    (near, source), = server.site["near_duplicate"].items()
    docs = {r[0]: (r[1], r[2]) for r in rows(store, "SELECT url, duplicate_of, near_duplicate_of FROM documents")}
    pair = {docs[url(server, copy)][0], docs[url(server, original)][0]}
    assert pair in ({url(server, original), None}, {url(server, copy), None})
    assert first.duplicates == 1 and first.near_duplicates == 1
    assert docs[url(server, near)][1] or docs[url(server, source)][1]


def test_second_run_finds_nothing_new(crawled):
    server, store, first, second, changes_after_first = crawled
    ok_pages = first.fetched - first.failed
    assert (second.new, second.changed) == (0, 0)
    assert second.unchanged + second.lists == ok_pages and second.fetched == first.fetched
    assert (second.unchanged, second.lists) == (first.new, first.lists)  # documents, and list pages
    assert rows(store, "SELECT count(*) FROM changes")[0][0] == changes_after_first
    assert rows(store, "SELECT count(*) FROM pages WHERE status = 304")[0][0] == ok_pages
