"""The crawler's worker decodes and parses a page once, for its links, its kind and its
cleaning: the document it stores is the one `scraper.clean()` gives for the same bytes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import scraper
from scraper.crawl.urls import Scope
from scraper.crawl.work import SiteRules, process_page
from scraper.decode import decode
from scraper.extract.dom import parse_html
from scraper.pipeline import clean_decoded

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
NAMES = sorted(p.stem for p in PAGES.glob("*.json"))
URL = "http://www.example.gov.cn/art/2024/3/5/art_101_12345.html"


def _page(name: str) -> tuple[bytes, str, str | None]:
    exp = json.loads((PAGES / f"{name}.json").read_text(encoding="utf-8"))
    return (PAGES / f"{name}.html").read_bytes(), exp.get("url") or URL, exp.get("content_type")


@pytest.mark.parametrize("name", NAMES)
def test_worker_document_is_what_clean_gives(name):
    body, url, ctype = _page(name)
    rules = SiteRules(Scope(("www.example.gov.cn",)))
    done = process_page(body, url, ctype, rules)
    assert done.error is None, done.error
    if done.kind == "list":
        assert done.document is None
        return
    assert done.document == scraper.clean(body, url, content_type=ctype)


def test_fixture_pages_are_mostly_articles_to_the_worker():
    """The comparison above is about documents: most fixture pages must give one."""
    rules = SiteRules(Scope(("www.example.gov.cn",)))
    kinds = [process_page(*_page(name), rules).kind for name in NAMES]
    assert kinds.count("article") >= len(NAMES) - 3


@pytest.mark.parametrize("name", ["party-seed000-gbk-pinyin", "party-yushu-utf8-pinyin", "gov-city-gbk-trs"])
def test_clean_decoded_with_a_parsed_tree(name):
    """A tree parsed by the caller gives the same document, also on a page whose pinyin
    annotations are stripped before parsing (the tree is then parsed again)."""
    body, url, ctype = _page(name)
    decoded = decode(body, ctype)
    doc = clean_decoded(decoded, url, size=len(body), tree=parse_html(decoded.text))
    assert doc == scraper.clean(body, url, content_type=ctype)
    assert doc.encoding == decoded.encoding and doc.encoding_source == decoded.encoding_source


def test_clean_decoded_checks_the_raw_size():
    body, url, ctype = _page("gov-city-gbk-trs")
    config = scraper.CleanConfig(max_input_bytes=len(body) - 1)
    with pytest.raises(scraper.InputTooLargeError):
        clean_decoded(decode(body, ctype), url, config=config, size=len(body))
    with pytest.raises(scraper.InputTooLargeError):
        scraper.clean(body, url, content_type=ctype, config=config)


def test_worker_too_large_page_keeps_its_links():
    """Over the size limit: an error on the page, as before, but its links still count."""
    body = ("<html><body><a href='/art/2024/1/1/art_1_1.html'>一</a><p>" + "正文内容。" * 400
            + "</p></body></html>").encode()
    small = scraper.CleanConfig(max_input_bytes=100)
    rules = type("Rules", (SiteRules,), {"clean_config": property(lambda self: small)})(Scope(("www.example.gov.cn",)))
    done = process_page(body, URL, "text/html; charset=utf-8", rules)
    assert done.error is not None and done.error[0] == "too_large"
    assert done.links and done.links[0][0].endswith("art_1_1.html")
