"""Sanity checks on the fixture files themselves, independent of the extractor.

They catch broken fixtures (a missing JSON, bytes that do not decode with the
declared codec, a typo in an expected paragraph) before anyone blames the cleaner.
"""

from __future__ import annotations

import codecs
import datetime as dt
import html
import json
import re
from pathlib import Path

import pytest

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
KEYS = ("url", "content_type", "encoding", "title", "date", "source", "author", "editor", "text")
OPTIONAL_STR = ("content_type", "title", "date", "source", "author", "editor")
# DESIGN.md, "Page types": the optional "page_type" key names one of these.
PAGE_TYPES = ("article", "forum", "listing", "collection", "product", "documentation", "service")

HTML_NAMES = sorted(p.stem for p in PAGES.glob("*.html"))
JSON_NAMES = sorted(p.stem for p in PAGES.glob("*.json"))

# Strings that only page furniture carries; none may appear in an expected text.
FURNITURE = ("首页轮换图", "您当前的位置", "ICP备", "公网安备", "扫一扫在手机打开", "【字体", "文明上网理性发言")

_BLOCK_TAGS = (
    "p|div|br|hr|li|ul|ol|dl|dt|dd|tr|td|th|table|thead|tbody|tfoot|caption|h[1-6]|section|article|"
    "header|footer|nav|aside|main|blockquote|pre|form|select|option|center|marquee|figure|figcaption|address"
)


def normalise_line(line: str) -> str:
    """fixtures/README.md: strip, collapse whitespace runs (incl. U+3000, U+00A0) to one space."""
    return " ".join(line.split())


def normalise_lines(text: str) -> list[str]:
    return [n for n in (normalise_line(line) for line in text.splitlines()) if n]


# A pinyin annotation inserted after a Han character: "務(wù)" -> "務" (README rule).
_PINYIN = re.compile(
    r"(?<=[\u3400-\u9fff\uf900-\ufaff])\((?:[a-zA-Z\u00e0-\u00fc\u0101-\u01dc\u0144\u0148\u01f9\u1e3f]"
    r"[a-zA-Z\u00e0-\u00fc\u0101-\u01dc\u0144\u0148\u01f9\u1e3f\u0300-\u030c]*[1-5]?)\)"
)


def visible_text(markup: str) -> str:
    """The page's text as one normalised string: no comments, scripts, styles or tags.

    Block-level tags (and table cells) become a space, inline tags vanish, entities
    are resolved, pinyin annotations after Han characters are dropped (the README
    says the clean text loses them), whitespace is collapsed.
    """
    s = re.sub(r"(?s)<!--.*?-->", " ", markup)
    s = re.sub(r"(?is)<(script|style|textarea|title|noscript)\b[^>]*>.*?</\1\s*>", " ", s)
    s = re.sub(rf"(?is)</?(?:{_BLOCK_TAGS})\b[^>]*>", " ", s)
    s = re.sub(r"(?s)<[^>]*>", "", s)
    return normalise_line(_PINYIN.sub("", html.unescape(s)))


def load(name: str) -> dict:
    return json.loads((PAGES / f"{name}.json").read_text(encoding="utf-8"))


def decoded(name: str) -> str:
    return (PAGES / f"{name}.html").read_bytes().decode(load(name)["encoding"])


def test_fixtures_exist():
    assert HTML_NAMES, f"no fixture pages in {PAGES}"


@pytest.mark.parametrize("name", HTML_NAMES)
def test_every_page_has_json(name):
    assert (PAGES / f"{name}.json").is_file(), f"{name}.html has no {name}.json"


@pytest.mark.parametrize("name", JSON_NAMES)
def test_every_json_has_page(name):
    assert (PAGES / f"{name}.html").is_file(), f"{name}.json has no {name}.html"


@pytest.mark.parametrize("name", JSON_NAMES)
def test_json_keys_and_types(name):
    exp = load(name)
    missing = [k for k in KEYS if k not in exp]
    assert not missing, f"{name}.json lacks {missing}"
    assert isinstance(exp["url"], str) and exp["url"].startswith(("http://", "https://"))
    assert isinstance(exp["text"], str) and normalise_lines(exp["text"]), "empty expected text"
    for key in OPTIONAL_STR:
        value = exp[key]
        assert value is None or (isinstance(value, str) and value.strip()), (
            f"{name}: {key} must be a non-empty string or null (an empty field on the page is null), got {value!r}"
        )
    codecs.lookup(exp["encoding"])  # a codec Python knows
    if "page_type" in exp:
        assert exp["page_type"] in PAGE_TYPES, f"{name}: page_type {exp['page_type']!r} is not one of {PAGE_TYPES}"
    unknown = set(exp) - set(KEYS) - {"page_type"}
    assert not unknown, f"{name}.json has unknown keys {sorted(unknown)} (typo?)"
    if exp["date"] is not None:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", exp["date"]), exp["date"]
        dt.date.fromisoformat(exp["date"])


@pytest.mark.parametrize("name", JSON_NAMES)
def test_bytes_decode_with_declared_encoding(name):
    exp = load(name)
    raw = (PAGES / f"{name}.html").read_bytes()
    try:
        raw.decode(exp["encoding"])
    except UnicodeDecodeError as exc:
        pytest.fail(f"{name}.html does not decode as {exp['encoding']}: {exc}")


@pytest.mark.parametrize("name", JSON_NAMES)
def test_expected_paragraphs_occur_in_page_in_order(name):
    page = visible_text(decoded(name))
    pos = 0
    for i, par in enumerate(normalise_lines(load(name)["text"])):
        found = page.find(par, pos)
        if found < 0:
            where = "elsewhere in the page (out of order)" if par in page else "nowhere in the page (typo?)"
            pytest.fail(f"{name}: expected line {i + 1} occurs {where}: {par[:80]!r}", pytrace=False)
        pos = found + len(par)


@pytest.mark.parametrize("name", JSON_NAMES)
def test_title_is_not_a_text_line(name):
    exp = load(name)
    if exp["title"] is None:
        return
    assert normalise_line(exp["title"]) not in normalise_lines(exp["text"])


@pytest.mark.parametrize("name", JSON_NAMES)
def test_title_occurs_in_page(name):
    exp = load(name)
    if exp["title"] is None:
        return
    raw = html.unescape(decoded(name))
    assert normalise_line(exp["title"]) in normalise_line(raw), f"{name}: title not found in the page"


@pytest.mark.parametrize("name", JSON_NAMES)
def test_expected_text_has_no_page_furniture(name):
    text = load(name)["text"]
    found = [w for w in FURNITURE if w in text]
    assert not found, f"{name}: expected text holds page furniture {found}"
