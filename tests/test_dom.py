"""Preparing the parsed tree (scraper/extract/dom.py): what a reader sees is what stays.

Each case is a pattern met on real pages: WeChat hides its article until a script
shows it, shops and lazy templates put the product in a display:none wrapper, forum
software renders threads inside <noscript>, and an unclosed <button> makes libxml2
nest the rest of the page inside it.
"""

from __future__ import annotations

import lxml.html

import scraper
from scraper.extract import dom

PARAS = [
    "1月30日，通渭县召开新型冠状病毒感染的肺炎疫情防控工作会议，安排部署全县疫情防控工作。县委书记主持会议并讲话。",
    "会议强调，各乡镇、各部门要切实提高政治站位，把疫情防控作为当前最重要的工作来抓，坚决遏制疫情扩散蔓延势头。",
    "会议要求，要加强宣传引导，及时发布权威信息，回应社会关切，引导群众科学防护，做到不信谣、不传谣。",
]
EN = [
    "The council approved the new budget for the county's schools on Tuesday evening after a long debate.",
    "Most of the new money goes to repairs of the older buildings, which have waited for more than a decade.",
    "Parents who spoke at the meeting asked for more teachers, and the board promised a review next spring.",
]


def _prepared(body: str) -> str:
    root = lxml.html.document_fromstring(f"<html><head><title>t</title></head><body>{body}</body></html>")
    dom.prepare(root)
    return " ".join(root.find("body").text_content().split())


def _paras(lines: list[str]) -> str:
    return "".join(f"<p>{line}</p>" for line in lines)


def test_visibility_hidden_and_opacity_zero_stay():
    """WeChat: the article sits in #js_content with visibility:hidden until a script runs."""
    text = _prepared('<div id="js_content" style="visibility: hidden; opacity: 0;">' + _paras(PARAS) + "</div>")
    assert all(p in text for p in PARAS)


def test_a_display_none_copy_goes():
    """The mobile copy of an article the page also shows."""
    text = _prepared('<div class="pc">' + _paras(PARAS) + '</div><div class="m" style="display:none">'
                     + _paras(PARAS) + "</div>")
    assert text.count(PARAS[1]) == 1


def test_a_display_none_menu_goes():
    menu = "".join(f'<li><a href="/c/{i}">Category number {i} with a long name</a></li>' for i in range(20))
    text = _prepared(f'<ul class="mega" style="display: none">{menu}</ul>' + _paras(EN))
    assert "Category number 3" not in text and EN[0] in text


def test_the_only_copy_of_the_content_in_a_display_none_wrapper_stays():
    """A shop template: the product description is hidden until the page has loaded."""
    text = _prepared('<nav><a href="/">Home</a></nav><div class="product-wrapper defer" style="display: none">'
                     + _paras(EN) + "</div>")
    assert all(p in text for p in EN)


def test_short_hidden_text_goes_even_if_unique():
    text = _prepared('<div style="display:none">Loading the latest offers for you</div>' + _paras(EN))
    assert "Loading" not in text


def test_an_unclosed_button_does_not_swallow_the_article():
    """libxml2 nests everything after an unclosed <button> inside it."""
    html = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>t</title></head><body>"
            "<div class='tools'><button class='share'>分享" + _paras(PARAS) + "</div></body></html>").encode()
    doc = scraper.clean(html, "http://www.example.gov.cn/a.html")
    assert all(p in doc.text for p in PARAS)


def test_a_small_button_and_a_select_go():
    text = _prepared("<button>Reply</button><select><option>Sort by date</option></select>" + _paras(EN))
    assert "Reply" not in text and "Sort by" not in text and EN[0] in text


def test_a_select_that_swallowed_the_page_is_unwrapped():
    text = _prepared("<select><option>English</option><option>中文</option>" + _paras(EN))
    assert all(p in text for p in EN) and "English" not in text


def test_a_thread_rendered_in_noscript_is_the_page():
    """Forum software that paints the thread by script puts the no-JS copy in <noscript>."""
    posts = "".join(f'<div class="post"><span class="author">user{i}</span><p>{p}</p></div>' for i, p in enumerate(EN))
    text = _prepared('<div id="app">Loading…</div><noscript><div id="main-outlet">' + posts + "</div></noscript>")
    assert all(p in text for p in EN) and "user2" in text


def test_a_small_noscript_notice_goes():
    text = _prepared(_paras(EN) + "<noscript>Please enable JavaScript to view the comments.</noscript>")
    assert "enable JavaScript" not in text
