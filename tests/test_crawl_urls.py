"""scraper.crawl.urls: normalisation, scope and trap guards (pure functions)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from scraper.crawl.urls import Scope, TrapLimits, host_allowed, looks_like_page, normalize_url, trap_reason

TODAY = date(2025, 6, 1)


@pytest.mark.parametrize("raw,expected", [
    ("HTTP://WWW.Example.GOV.cn:80/a/./b/../c.html#frag", "http://www.example.gov.cn/a/c.html"),
    ("https://x.cn:443", "https://x.cn/"),
    ("http://x.cn:8080/a", "http://x.cn:8080/a"),
    ("http://x.cn/list.jsp?b=2&a=1", "http://x.cn/list.jsp?a=1&b=2"),
    ("http://x.cn/a.html?utm_source=wx&utm_medium=x&id=3", "http://x.cn/a.html?id=3"),
    ("http://x.cn/a.html?id=3&spm=a2c4g.11186623", "http://x.cn/a.html?id=3"),
    ("http://x.cn/index.jsp;jsessionid=0A1B2C3D4E5F?x=1", "http://x.cn/index.jsp?x=1"),
    ("http://x.cn/a.php?PHPSESSID=abc123&id=9", "http://x.cn/a.php?id=9"),
    ("http://x.cn/a.php?phpsessid=abc123&id=9", "http://x.cn/a.php?id=9"),
    ("http://x.cn/a.asp?id=9&sid=f00d", "http://x.cn/a.asp?id=9"),
    ("http://x.cn/a.asp?ASPSESSIONIDQQGGQGPA=XYZ&id=9", "http://x.cn/a.asp?id=9"),
    ("http://x.cn/(S(lit3py55t21z5v55vlm25s55))/page.aspx", "http://x.cn/page.aspx"),
    ("http://x.cn/search?q=%D6%D0%CE%C4", "http://x.cn/search?q=%D6%D0%CE%C4"),  # GBK stays GBK
    ("http://x.cn/新闻/中文.html", "http://x.cn/%E6%96%B0%E9%97%BB/%E4%B8%AD%E6%96%87.html"),
    ("http://中国政府.cn/a", "http://xn--fiqs8sirgfmh.cn/a"),
    ("  http://x.cn/a  ", "http://x.cn/a"),
])
def test_normalize(raw, expected):
    assert normalize_url(raw) == expected


def test_normalize_relative_and_permutations_dedup():
    assert normalize_url("../b/c.html?x=1#top", base="http://x.cn/a/d/e.html") == "http://x.cn/a/b/c.html?x=1"
    variants = ["http://x.cn/l.jsp?c=3&a=1&b=2", "http://x.cn/l.jsp?b=2&c=3&a=1", "http://X.cn:80/l.jsp?a=1&b=2&c=3#p"]
    assert len({normalize_url(v) for v in variants}) == 1
    sessions = ["http://x.cn/a.jsp;jsessionid=AAA", "http://x.cn/a.jsp;jsessionid=BBB", "http://x.cn/a.jsp"]
    assert len({normalize_url(v) for v in sessions}) == 1


@pytest.mark.parametrize("netloc,allowed,ok", [
    ("www.x.cn", ["www.x.cn"], True),
    ("WWW.X.CN", ["www.x.cn"], True),
    ("news.x.cn", ["www.x.cn"], False),
    ("news.x.cn", ["*.x.cn"], True),
    ("x.cn", [".x.cn"], True),
    ("evilx.cn", ["*.x.cn"], False),
    ("localhost:8000", ["localhost:8000"], True),
    ("localhost:9000", ["localhost:8000"], False),
    ("localhost:9000", ["localhost"], True),
])
def test_host_allowed(netloc, allowed, ok):
    assert host_allowed(netloc, allowed) is ok


def test_scope():
    scope = Scope(("www.x.gov.cn",), include=(re.compile(r"/(art|col)/"),), exclude=(re.compile(r"/search/"),))
    assert "http://www.x.gov.cn/art/2020/1/1/art_1_2.html" in scope
    assert scope.reason("http://other.cn/art/1.html") == "host not allowed: other.cn"
    assert scope.reason("http://www.x.gov.cn/art/search/x") == "excluded by '/search/'"
    assert scope.reason("http://www.x.gov.cn/about.html") == "matches no include pattern"
    assert scope.reason("ftp://www.x.gov.cn/art/") == "not http(s): ftp"
    assert Scope(("www.x.gov.cn",)).reason("http://www.x.gov.cn/anything") is None


@pytest.mark.parametrize("url,ok", [
    ("http://x.cn/a.html", True), ("http://x.cn/a.shtml", True), ("http://x.cn/a", True),
    ("http://x.cn/detail.asp?id=3", True), ("http://x.cn/index.jhtml", True), ("http://x.cn/c1a2/page.psp", True),
    ("http://x.cn/a.pdf", False), ("http://x.cn/A.DOC", False), ("http://x.cn/a.jpg", False),
    ("http://x.cn/a.zip", False), ("http://x.cn/a.xlsx", False),
])
def test_looks_like_page(url, ok):
    assert looks_like_page(url) is ok


# --- traps: one test per kind, and the pages that must not be mistaken for one -----------


def test_trap_url_length():
    assert trap_reason("http://x.cn/" + "a" * 2100, today=TODAY).startswith("URL too long (2112 > 2048")


def test_trap_repeated_path_segments():
    assert trap_reason("http://x.cn/news/img/news/img/news/img/a.html", today=TODAY) == \
        "path segment 'news' repeated 3 times"
    assert trap_reason("http://x.cn/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q.html", today=TODAY).startswith("path too deep")


@pytest.mark.parametrize("url,reason", [
    ("http://x.cn/calendar/2031/12/", "calendar date far ahead (2031-12)"),
    ("http://x.cn/events/2031/", "calendar date far ahead (2031)"),
    ("http://x.cn/cal.php?date=2031-12-01", "calendar date far ahead (2031-12)"),
    ("http://x.cn/cal.php?ym=203112", "calendar date far ahead (2031-12)"),
    ("http://x.cn/rili.jsp?year=2040&month=1", "calendar date far ahead (2040)"),
    ("http://x.cn/archive/2099-01-01/", "calendar date far ahead (2099-01)"),
    ("http://x.cn/calendar/1901/01/", "calendar date far back (1901-01)"),
])
def test_trap_endless_calendars(url, reason):
    assert trap_reason(url, today=TODAY) == reason


def test_trap_query_explosions():
    many = "http://x.cn/s?" + "&".join(f"p{i}=1" for i in range(12))
    assert trap_reason(many, today=TODAY) == "too many query parameters (12 > 10)"
    assert trap_reason("http://x.cn/s?a=1&a=2&a=3", today=TODAY) == "query parameter 'a' repeated 3 times"


def test_trap_session_ids_left_in_url():
    assert trap_reason("http://x.cn/a.jsp;jsessionid=ABC", today=TODAY) == "session id in URL"
    assert trap_reason("http://x.cn/a.php?PHPSESSID=1", today=TODAY) == "session id in URL"
    assert trap_reason(normalize_url("http://x.cn/a.php?PHPSESSID=1"), today=TODAY) is None


@pytest.mark.parametrize("url", [
    "http://www.gov.cn/zhengce/content/2020-01/31/content_5473393.htm",
    "http://www.tongwei.gov.cn/art/2020/2/5/art_1234_567890.html",
    "http://www.x.gov.cn/xwzx/202001/t20200131_123456.html",
    "http://news.x.edu.cn/2020/0131/c1234a56789/page.htm",
    "http://politics.people.com.cn/n1/2020/0131/c1001-31565123.html",
    "http://www.xinhuanet.com/politics/2020-01/31/c_1125517.htm",
    "http://www.x.gov.cn/info/1002/12345.htm",
    "http://www.x.gov.cn/info/2100/12345.htm",  # column id 2100, not a year
    "http://www.x.gov.cn/col/col1234/index.html",
    "http://www.x.gov.cn/news/list_2.html",
    "http://www.x.gov.cn/detail.asp?id=20991234",  # id, not a date (invalid month)
    "http://x.cn/docview.jsp?docid=20311231",  # a date-like id under a non-date name
    "http://x.cn/2026/06/01/a.html",  # next year is fine (max_years_ahead=1)
    "http://x.cn/a/a/b.html",
    "http://x.cn/search?q=1&page=2&size=20",
])
def test_real_pages_are_not_traps(url):
    assert trap_reason(url, today=TODAY) is None


def test_trap_limits_are_configurable():
    limits = TrapLimits(max_length=30, max_years_ahead=10)
    assert trap_reason("http://x.cn/calendar/2031/12/", limits, today=TODAY) is None
    assert trap_reason("http://x.cn/" + "a" * 30, limits, today=TODAY).startswith("URL too long")
