"""End to end: every fixture page through `scraper.clean()`, compared with its JSON.

Each fixtures/pages/NAME.html is read as bytes and cleaned with the URL and HTTP
content type its NAME.json gives; the body text and each metadata field are
separate tests, so a failure names the page and the field.  A JSON that gives the
optional "page_type" (DESIGN.md, "Page types") also checks `Document.page_type`.  Text is compared after
the whitespace normalisation of fixtures/README.md, with a unified diff on failure.
"""

from __future__ import annotations

import codecs
import difflib
import functools
import json
from pathlib import Path

import pytest

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
NAMES = sorted(p.stem for p in PAGES.glob("*.json"))
FIELDS = ("title", "date", "source", "author", "editor", "encoding")
TYPED = [name for name in NAMES if "page_type" in json.loads((PAGES / f"{name}.json").read_text(encoding="utf-8"))]

# fixtures/README.md: Big5 pages may report big5hkscs or cp950.
_EQUIVALENT_CODECS = ({"big5hkscs", "cp950"},)


def normalise_lines(text: str) -> list[str]:
    """Each line stripped, whitespace runs (incl. U+3000, U+00A0) collapsed, empty lines dropped."""
    return [n for n in (" ".join(line.split()) for line in (text or "").splitlines()) if n]


def _codec(name: str | None) -> str | None:
    if not name:
        return name
    try:
        return codecs.lookup(name).name
    except LookupError:
        return name.lower()


def _same_encoding(expected: str | None, got: str | None) -> bool:
    a, b = _codec(expected), _codec(got)
    if a == b:
        return True
    return any(a in group and b in group for group in _EQUIVALENT_CODECS)


@functools.lru_cache(maxsize=None)
def expected(name: str) -> dict:
    return json.loads((PAGES / f"{name}.json").read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=None)
def _clean(name: str):
    import scraper

    exp = expected(name)
    raw = (PAGES / f"{name}.html").read_bytes()
    return scraper.clean(raw, exp["url"], content_type=exp["content_type"])


def cleaned(name: str):
    try:
        import scraper

        scraper.clean  # noqa: B018 - fail clearly when the entry point is missing
    except (ImportError, AttributeError) as exc:
        pytest.fail(f"scraper.clean is not available: {exc}", pytrace=False)
    return _clean(name)


def test_fixture_pages_found():
    assert NAMES, f"no fixtures in {PAGES}"


@pytest.mark.parametrize("name", NAMES)
def test_text(name):
    want = normalise_lines(expected(name)["text"])
    got = normalise_lines(cleaned(name).text)
    if got != want:
        diff = "\n".join(difflib.unified_diff(want, got, "expected", "got", lineterm="", n=1))
        pytest.fail(f"{name}: text differs from fixtures/pages/{name}.json\n{diff}", pytrace=False)


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("name", NAMES)
def test_field(name, field):
    want = expected(name)[field]
    got = getattr(cleaned(name), field)
    if field == "encoding":
        ok = _same_encoding(want, got)
    else:
        ok = got == want
    if not ok:
        pytest.fail(f"{name}: {field} expected {want!r}, got {got!r}", pytrace=False)


@pytest.mark.parametrize("name", TYPED)
def test_page_type(name):
    want = expected(name)["page_type"]
    got = cleaned(name).page_type
    if got != want:
        pytest.fail(f"{name}: page_type expected {want!r}, got {got!r}", pytrace=False)
