"""Dates as Chinese, Taiwanese and English pages write them (scraper/dates.py)."""

from __future__ import annotations

import pytest

from scraper.extract.dates import date_from_url, find_dates, make_date, parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-01-31", "2020-01-31"),
        ("2020-1-5", "2020-01-05"),
        ("2020/01/31", "2020-01-31"),
        ("2020.01.31", "2020-01-31"),
        ("2020年1月31日", "2020-01-31"),
        ("2020年10月1日", "2020-10-01"),
        ("2020年01月31日 10:23", "2020-01-31"),
        ("2020 年 1 月 31 日", "2020-01-31"),
        ("2020年1月31号", "2020-01-31"),
        ("二〇二一年十月二十二日", "2021-10-22"),
        ("二○二一年十月二十二日", "2021-10-22"),  # ○ (white circle) for 〇, as typed documents write it
        ("二〇二〇年一月三十一日", "2020-01-31"),
        ("二〇一九年十二月十日", "2019-12-10"),
        ("民國109年2月5日", "2020-02-05"),
        ("中華民國 109 年 2 月 5 日", "2020-02-05"),
        ("9/17/2004 5:54:13 AM", "2004-09-17"),  # ASP.NET on a US-locale server
        ("17/09/2004", "2004-09-17"),  # day first when the first number cannot be a month
        ("March 3, 2024", "2024-03-03"),
        ("Sept. 5, 2023", "2023-09-05"),
        ("December 25th, 2020", "2020-12-25"),
        ("12 January 2024", "2024-01-12"),
        ("3rd March 2024", "2024-03-03"),
        ("２０２０年１月３１日", "2020-01-31"),  # full-width digits
        ("２０２０－０１－３１", "2020-01-31"),
        ("发布时间：2020-01-31 10:23:45 来源：通渭县人民政府", "2020-01-31"),
        ("Posted on 14 May 2023 by admin", "2023-05-14"),
    ],
)
def test_parse_date_formats(text, expected):
    assert parse_date(text) == expected


def test_chinese_date_keeps_its_day():
    """htmldate reads "2020年1月31日" as 2020-01-01; we must not inherit that."""
    assert parse_date("通渭县召开疫情防控工作会议 2020年1月31日") == "2020-01-31"
    assert find_dates("2020年1月31日") == ["2020-01-31"]


@pytest.mark.parametrize(
    "text",
    [
        "2021-02-30",  # no such day
        "2021年2月29日",  # not a leap year
        "2020-13-01",
        "1899-01-01",  # before the web
        "1985年5月1日",
        "电话：0932-5621234",
        "发文字号：通政发〔2020〕12号",
        "邮编：743300",
        "",
        "没有日期的一句话。",
    ],
)
def test_invalid_or_absent_dates_are_rejected(text):
    assert find_dates(text) == []
    assert parse_date(text) is None


def test_leap_day_is_a_date():
    assert parse_date("2020年2月29日") == "2020-02-29"


def test_parse_date_of_none():
    assert parse_date(None) is None


def test_roc_numeric_dates_only_when_asked():
    """109-02-05 is ROC year 109 on a Taiwanese site; elsewhere it is no date."""
    assert find_dates("發布日期：109-02-05") == []
    assert find_dates("發布日期：109-02-05", roc=True) == ["2020-02-05"]
    assert find_dates("109/2/5", roc=True) == ["2020-02-05"]


def test_roc_reading_never_overrides_a_gregorian_date():
    assert find_dates("更新日期：2020-02-05 （109-02-05）", roc=True) == ["2020-02-05"]


def test_find_dates_in_order_of_appearance():
    text = "2020年3月1日起施行，2019年12月31日发布，March 3, 2024 修订"
    assert find_dates(text) == ["2020-03-01", "2019-12-31", "2024-03-03"]


def test_range_gives_both_ends():
    assert find_dates("2020-01-31至2020-02-05") == ["2020-01-31", "2020-02-05"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [((2020, 1, 31), "2020-01-31"), ((2021, 2, 29), None), ((1989, 6, 1), None), ((2020, 0, 1), None)],
)
def test_make_date(args, expected):
    assert make_date(*args) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://www.gov.cn/zhengce/content/202001/t20200131_123.html", "2020-01-31"),  # TRS
        ("http://www.tongwei.gov.cn/art/2020/1/31/art_1_2.html", "2020-01-31"),  # Hanweb
        ("http://www.xinhuanet.com/politics/2020-01/31/c_1125517.htm", "2020-01-31"),
        ("http://www.gov.cn/xinwen/2020-01/31/content_5473401.htm", "2020-01-31"),
        ("http://news.sohu.com/20050311/n224643115.shtml", "2005-03-11"),
        ("http://www.hunan.gov.cn/2020/0131/c1a2/page.htm", "2020-01-31"),
        ("http://politics.people.com.cn/n1/2020/0131/c1001-31565.html", "2020-01-31"),
        ("https://www.chinanews.com.cn/gn/2020/01-31/9074567.shtml", "2020-01-31"),
        ("https://www.chinadaily.com.cn/a/202001/31/WS5e33a0b1a310128217273a5e.html", "2020-01-31"),
        ("https://example.com/2020/01/31/storm-batters-coast/", "2020-01-31"),
        ("https://example.com/news/2020-01-31/storm/", "2020-01-31"),
    ],
)
def test_date_from_url(url, expected):
    assert date_from_url(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "http://www.tongwei.gov.cn/col/col1234/index.html",
        "http://x.gov.cn/202002/t20200230_1.html",  # 30 February
        "http://x.gov.cn/art/2020/13/1/art_1_2.html",
        "http://x.gov.cn/col/col1234/index.html?uid=20200131",  # a number in a query, not a path
        "",
        None,
    ],
)
def test_date_from_url_without_a_date(url):
    assert date_from_url(url) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("民國107年3月5日", "2018-03-05"),
        ("民国107年3月5日", "2018-03-05"),  # simplified characters
        ("中華民國 107 年 03 月 05 日", "2018-03-05"),
        ("發布日期：107年3月5日", "2018-03-05"),  # a three-digit year can only be ROC
        ("民國98年12月1日", "2009-12-01"),
        ("更新日期：民國107年3月5日 10:20", "2018-03-05"),
        ("民國107-03-05", "2018-03-05"),  # the page says 民國: the numeric form is ROC too
    ],
)
def test_roc_years_are_read_without_being_asked(text, expected):
    assert parse_date(text) == expected
    assert find_dates(text) == [expected]


def test_two_digit_roc_year_needs_the_era_or_the_flag():
    """"98年12月1日" alone could be shorthand for 1998; 民國98年 or a labelled ROC field says 2009."""
    assert find_dates("98年12月1日") == []
    assert find_dates("98年12月1日", roc=True) == ["2009-12-01"]


def test_gregorian_year_is_never_read_as_roc():
    assert find_dates("2020年1月31日") == ["2020-01-31"]
    assert find_dates("公元前221年，秦统一六国。") == []
