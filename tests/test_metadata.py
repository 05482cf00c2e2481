"""Page metadata from <head>, headings and JSON-LD (scraper/metadata.py)."""

from __future__ import annotations

import json

import lxml.html
import pytest

from scraper.extract.metadata import choose_title, meta_tags, read_head, read_linked_data
from scraper.extract.markup import scan_headings

TITLE = "通渭县召开疫情防控工作会议"
SITE = "通渭县人民政府"


def _root(head: str, body: str = "", html_attrs: str = "") -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(f"<html{html_attrs}><head>{head}</head><body>{body}<p>正文。</p></body></html>")


def test_article_title_meta_beats_title_element_with_site_suffix():
    root = _root(f'<title>{TITLE}_{SITE}</title><meta name="ArticleTitle" content="{TITLE}">',
                 f'<div class="logo"><h1>{SITE}</h1></div>')
    head = read_head(root)
    assert head.title == TITLE
    assert head.title_from != "guess"
    assert head.title_element == f"{TITLE}_{SITE}"


def test_heading_that_title_element_starts_with():
    root = _root(f"<title>{TITLE}_{SITE}</title>",
                 f'<div class="logo">{SITE}</div><div class="nav"><a href="/">首页</a></div><div class="title">{TITLE}</div>')
    assert choose_title(*scan_headings(root), meta_tags(root), f"{TITLE}_{SITE}") == (TITLE, "heading")


def test_heading_is_preferred_to_a_truncated_title_element():
    """<title> cut short by the CMS; the heading on the page has the whole title."""
    full = "通渭县召开新型冠状病毒感染的肺炎疫情防控工作会议暨全县干部大会"
    root = _root("<title>通渭县召开新型冠状病毒感染的肺炎疫情防控工作会议</title>", f"<h2>{full}</h2>")
    assert read_head(root).title == full


def test_og_title_without_site_suffix():
    root = _root('<title>首页</title><meta property="og:title" content="Storm batters coast as thousands lose power | The Example Times">')
    head = read_head(root)
    assert head.title == "Storm batters coast as thousands lose power"
    assert head.title_from != "guess"


def test_single_h1():
    root = _root("<title>首页 - 某某网</title>", "<h1>Council approves new budget for schools</h1>")
    assert read_head(root).title == "Council approves new budget for schools"


def test_title_element_alone_is_an_uncertain_guess():
    head = read_head(_root(f"<title>{TITLE}_{SITE}</title>"))
    assert head.title == TITLE
    assert head.title_from == "guess"


def test_english_title_suffix_with_dash():
    head = read_head(_root("<title>Council approves new budget - The Example Times</title>"))
    assert head.title == "Council approves new budget"


def test_hyphenated_words_are_not_a_site_suffix():
    head = read_head(_root("<title>Covid-19 vaccine roll-out speeds up</title>"))
    assert head.title == "Covid-19 vaccine roll-out speeds up"


def test_no_title_at_all():
    head = read_head(_root(""))
    assert head.title is None and head.title_element is None


def test_site_name_logo_heading_is_not_the_title():
    root = _root(f"<title>{SITE}</title>",
                 f'<div class="logo"><h1>{SITE}</h1></div><div class="title">{TITLE}</div>'
                 "<p>1月30日，通渭县召开新型冠状病毒感染的肺炎疫情防控工作会议，安排部署全县疫情防控工作。</p>")
    assert read_head(root).title == TITLE


@pytest.mark.parametrize(
    ("meta", "date"),
    [
        ('<meta name="PubDate" content="2020-01-31 10:23">', "2020-01-31"),
        ('<meta property="article:published_time" content="2024-03-03T08:00:00+00:00">', "2024-03-03"),
        ('<meta name="publishdate" content="2020年1月31日">', "2020-01-31"),
        ('<meta name="pubdate" content="unknown"><meta name="dc.date" content="2019-12-10">', "2019-12-10"),
    ],
)
def test_date_from_meta_tags(meta, date):
    assert read_head(_root(meta)).date == date


def test_head_fields():
    root = _root(
        '<meta name="ContentSource" content="通渭县卫健局">'
        '<meta name="author" content="张三">'
        '<meta property="og:site_name" content="通渭县人民政府网">'
        '<meta name="description" content="  1月30日，通渭县召开\n  疫情防控工作会议。 ">'
        '<link rel="canonical" href=" http://www.tongwei.gov.cn/art/2020/1/31/art_1_2.html ">',
        html_attrs=' lang="zh-CN"',
    )
    head = read_head(root)
    assert head.source == "通渭县卫健局"
    assert head.author == "张三"
    assert head.site_name == "通渭县人民政府网"
    assert head.description == "1月30日，通渭县召开 疫情防控工作会议。"
    assert head.canonical_url == "http://www.tongwei.gov.cn/art/2020/1/31/art_1_2.html"
    assert head.lang == "zh"


@pytest.mark.parametrize(
    ("html_attrs", "meta", "lang"),
    [
        (' lang="en-GB"', "", "en"),
        (' lang="zh_TW"', "", "zh"),
        ("", '<meta http-equiv="Content-Language" content="zh-CN">', "zh"),
        ("", "", None),
    ],
)
def test_lang(html_attrs, meta, lang):
    assert read_head(_root(meta, html_attrs=html_attrs)).lang == lang


def test_canonical_falls_back_to_og_url():
    root = _root('<meta property="og:url" content="https://example.com/a">')
    assert read_head(root).canonical_url == "https://example.com/a"


@pytest.mark.parametrize("author", ["https://www.facebook.com/janedoe", "@janedoe"])
def test_author_meta_that_is_not_a_name(author):
    assert read_head(_root(f'<meta name="author" content="{author}">')).author is None


def test_meta_tags_first_occurrence_wins_and_keys_are_lowercase():
    root = _root('<meta name="Keywords" content="a"><meta name="keywords" content="b"><meta name="empty" content=" ">')
    tags = meta_tags(root)
    assert tags["keywords"] == "a"
    assert "empty" not in tags


def _ld(*objects: object) -> str:
    return "".join(f'<script type="application/ld+json">{json.dumps(o, ensure_ascii=False)}</script>' for o in objects)


def test_linked_data_people_authors():
    root = _root(_ld({"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Storm batters coast",
                      "datePublished": "2024-03-03T08:00:00Z",
                      "author": [{"@type": "Person", "name": "Jane Doe"}, {"@type": "Person", "name": "John Roe"}]}))
    ld = read_linked_data(root)
    assert (ld.date, ld.author, ld.source, ld.headline) == ("2024-03-03", "Jane Doe, John Roe", None, "Storm batters coast")


def test_linked_data_organization_author_is_a_source():
    root = _root(_ld({"@graph": [{"@type": "WebPage", "name": "x"},
                                 {"@type": "NewsArticle", "headline": "x", "datePublished": "2024-03-03",
                                  "author": {"@type": "Organization", "name": "The Example Times"}}]}))
    ld = read_linked_data(root)
    assert ld.author is None
    assert ld.source == "The Example Times"
    assert read_head(root).source == "The Example Times"


def test_linked_data_plain_string_author_is_a_person():
    root = _root(_ld({"@type": "NewsArticle", "headline": "x", "author": "Jane Doe"}))
    assert read_linked_data(root).author == "Jane Doe"


def test_broken_linked_data_is_ignored_not_fatal():
    broken = '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "x",,}</script>'
    root = _root(broken + _ld({"@type": "NewsArticle", "headline": "Good", "datePublished": "2024-03-04"}))
    ld = read_linked_data(root)
    assert ld.headline == "Good" and ld.date == "2024-03-04"
    assert read_linked_data(_root(broken)).headline is None


def test_linked_data_other_script_types_are_ignored():
    root = _root('<script type="application/json">{"headline": "x", "datePublished": "2024-03-04"}</script>')
    assert read_linked_data(root).date is None


def test_meta_date_beats_linked_data_date():
    root = _root('<meta name="PubDate" content="2020-01-31">' + _ld({"@type": "NewsArticle", "datePublished": "2020-02-05"}))
    assert read_head(root).date == "2020-01-31"
    assert read_head(_root(_ld({"@type": "NewsArticle", "datePublished": "2020-02-05"}))).date == "2020-02-05"


# --- markup inside meta values and titles ------------------------------------


@pytest.mark.parametrize(
    "meta",
    [
        f'<meta name="ArticleTitle" content="&lt;b&gt;{TITLE}&lt;/b&gt;">',
        f'<meta name="ArticleTitle" content="&amp;lt;font color=red&amp;gt;{TITLE}&amp;lt;/font&amp;gt;">',
        f"<meta name=\"ArticleTitle\" content='<span style=\"color:red\">{TITLE}</span>'>",
    ],
)
def test_markup_inside_a_meta_value_is_stripped(meta):
    assert read_head(_root(f"<title>{SITE}</title>" + meta)).title == TITLE


def test_a_title_that_names_a_tag_keeps_it():
    """Text about markup is not markup: no closing tag, no attributes."""
    assert read_head(_root("<title>30 Years of &lt;br&gt; Tags</title>")).title == "30 Years of <br> Tags"


def test_markup_in_the_title_element_is_stripped():
    head = read_head(_root(f"<title>&lt;em&gt;{TITLE}&lt;/em&gt;_{SITE}</title>"))
    assert head.title == TITLE


# --- headings -----------------------------------------------------------------


def test_h1_holding_a_subtitle_div_gives_its_own_text():
    root = _root(f"<title>{TITLE}——县委书记主持会议_{SITE}</title>",
                 f'<h1>{TITLE}<div class="subtitle">——县委书记主持会议并讲话</div></h1>')
    assert read_head(root).title == TITLE


@pytest.mark.parametrize(
    "heading",
    [f'<div class="article-heading">{TITLE}</div>', f'<header class="post-heading">{TITLE}</header>',
     f'<b class="news_title">{TITLE}</b>'],
)
def test_headings_marked_by_a_heading_or_title_class(heading):
    root = _root(f"<title>{TITLE}_{SITE}</title>", heading)
    assert choose_title(*scan_headings(root), meta_tags(root), f"{TITLE}_{SITE}") == (TITLE, "heading")


def test_section_heading_class_is_not_a_title():
    root = _root("<title>x</title>", '<div class="section-heading">Related reading on this topic</div>')
    assert scan_headings(root) == ((), ())


@pytest.mark.parametrize(
    "field",
    [
        f"<table><tr><td>索引号：</td><td>000014349/2020-00012</td></tr><tr><td>标　　题：</td><td>{TITLE}</td></tr></table>",
        f"<p><b>标题：</b>{TITLE}</p>",
        f'<ul><li><span>名　称：</span><span>{TITLE}</span></li></ul>',
    ],
)
def test_labelled_title_field_when_title_element_names_the_system(field):
    head = read_head(_root("<title>政府信息公开平台</title>", field))
    assert (head.title, head.title_from) == (TITLE, "label")


def test_labelled_title_field_does_not_beat_a_title_element_with_a_site_suffix():
    head = read_head(_root(f"<title>{TITLE}_{SITE}</title>", "<p>标题：另一个标题的内容</p>"))
    assert head.title == TITLE


def test_no_spaces_between_a_digit_and_year_month_day_in_titles():
    root = _root('<meta name="ArticleTitle" content="通渭县2020 年 1 月 31 日疫情防控情况通报">')
    assert read_head(root).title == "通渭县2020年1月31日疫情防控情况通报"


# --- Founder e-paper pages -----------------------------------------------------


def test_founder_tags_give_title_date_and_author():
    body = ("<founder-title>通渭县召开疫情防控工作会议</founder-title><founder-author>张三</founder-author>"
            "<founder-date>2020-01-31</founder-date><founder-content><p>正文。</p></founder-content>")
    head = read_head(_root("<title>某某日报数字报</title>", body))
    assert (head.title, head.title_from, head.date, head.author) == (TITLE, "meta", "2020-01-31", "张三")


def test_founder_enp_comment_fields():
    page_html = ("<html><head><title>要闻</title></head><body><p>正文。</p><!--enpproperty <articleid>1755244</articleid>"
                 f"<date>2023-12-01 14:43:00:0</date><author></author><title>{TITLE}</title>--></body></html>")
    root = lxml.html.document_fromstring(page_html)
    head = read_head(root, "http://www.example.com.cn/a/1755244.html", page_html)
    assert (head.title, head.date) == (TITLE, "2023-12-01")


@pytest.mark.parametrize(
    ("url", "date"),
    [
        ("http://paper.example.com.cn/html/2020-01/31/content_123.htm", "2020-01-31"),
        ("http://epaper.example.cn/pc/layout/202001/31/node_A01.html", "2020-01-31"),
        ("http://epaper.example.cn/pc/content/202001/31/content_8.html", "2020-01-31"),
    ],
)
def test_e_paper_edition_path_is_the_date(url, date):
    assert read_head(_root("<title>某某日报</title>"), url).date == date


def test_ordinary_dated_url_is_no_head_date():
    """A news URL's date is a last resort (date_from_url in the extractor), not a declared date."""
    assert read_head(_root("<title>x</title>"), "http://www.example.com/2020/01/31/story.html").date is None


# --- language ------------------------------------------------------------------


@pytest.mark.parametrize(("meta", "lang"), [('<meta name="language" content="English">', "en"),
                                            ('<meta http-equiv="Content-Language" content="Chinese">', "zh")])
def test_lang_names_become_codes(meta, lang):
    assert read_head(_root(meta)).lang == lang


def test_roc_date_in_a_meta_tag():
    assert read_head(_root('<meta name="pubdate" content="107-03-05">')).date == "2018-03-05"
