"""Choosing the main content: block values and the best run of blocks (scraper/content.py)."""

from __future__ import annotations

import lxml.html
import pytest

from scraper.extract.blocks import split_blocks
from scraper.extract.content import block_value, find_main_run

PARAS = [
    "1月30日，通渭县召开新型冠状病毒感染的肺炎疫情防控工作会议，安排部署全县疫情防控工作。县委书记主持会议并讲话。",
    "会议强调，各乡镇、各部门要切实提高政治站位，把疫情防控作为当前最重要的工作来抓，坚决遏制疫情扩散蔓延势头。",
    "会议要求，要加强宣传引导，及时发布权威信息，回应社会关切，引导群众科学防护，做到不信谣、不传谣。",
    "会议指出，要严格落实属地责任，全面排查从武汉返乡人员，做到早发现、早报告、早隔离、早治疗。",
]
RELATED = ["定西市召开疫情防控工作视频会议", "通渭县开展疫情防控督查工作", "通渭县启动突发公共卫生事件一级响应"]


def _root(body: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(f"<html><body>{body}</body></html>")


def _block(html: str):
    return split_blocks(_root(html))[0]


def _run_texts(body: str) -> list[str]:
    root = _root(body)
    blocks = split_blocks(root)
    run = find_main_run(root, blocks)
    assert run is not None
    return [b.text for b in blocks[run.start : run.end + 1]]


@pytest.mark.parametrize(
    "html",
    [
        f"<p>{PARAS[0]}</p>",
        "<p>The council approved the new budget for schools on Tuesday, after a long debate.</p>",
        "<p>" + "通渭县" * 20 + "</p>",  # long without punctuation
        f"<p>{PARAS[1]}据<a href='/x'>新华网</a>报道。</p>",  # a link inside prose
    ],
)
def test_prose_has_positive_value(html):
    assert block_value(_block(html)) > 0


@pytest.mark.parametrize(
    "html",
    [
        "<li><a href='/1'>定西市召开疫情防控工作视频会议</a></li>",
        "<td>政务公开</td>",  # a short label
        "<p>Read more</p>",
        "<p>Council approves budget, says mayor.</p>",  # punctuated but too short for Latin text
        "<div><a href='/a'>首页</a> <a href='/b'>政务公开</a> <a href='/c'>政务服务</a></div>",
    ],
)
def test_chrome_has_negative_value(html):
    assert block_value(_block(html)) < 0


def test_link_list_costs_more_than_the_same_text_unlinked():
    linked = block_value(_block("<li><a href='/1'>通渭县开展疫情防控督查工作</a></li>"))
    plain = block_value(_block("<li>通渭县开展疫情防控督查工作</li>"))
    assert linked < plain < 0


def test_data_table_row_has_positive_value():
    table = "<table><tr><td>乡镇</td><td>确诊</td><td>隔离</td></tr><tr><td>平襄镇</td><td>0</td><td>12</td></tr></table>"
    blocks = split_blocks(_root(table))
    assert [b.tag for b in blocks] == ["tr", "tr"]
    assert all(block_value(b) > 0 for b in blocks)


NESTED_LAYOUT = f"""
<table width="1000"><tr><td colspan="2"><a href="/">首页</a> <a href="/zwgk/">政务公开</a> <a href="/zwfw/">政务服务</a>
 <a href="/hdjl/">互动交流</a></td></tr>
<tr><td width="250" valign="top"><table><tr><td><a href="/a">通知公告</a></td></tr><tr><td><a href="/b">工作动态</a></td></tr>
 <tr><td><a href="/c">乡镇动态</a></td></tr><tr><td><a href="/d">部门动态</a></td></tr></table></td>
<td width="750" valign="top"><table>
 <tr><td class="title">通渭县召开疫情防控工作会议</td></tr>
 <tr><td class="content">{"".join(f"<p>{p}</p>" for p in PARAS)}</td></tr>
 <tr><td><b>相关新闻</b><ul>{"".join(f'<li><a href="/{i}">{t}</a></li>' for i, t in enumerate(RELATED))}</ul></td></tr>
 <tr><td><div>网友评论</div><div>文明上网，理性发言</div><div><a href="/u">张三</a>：支持！</div></td></tr>
</table></td></tr>
<tr><td colspan="2">版权所有：通渭县人民政府 陇ICP备14000381号</td></tr></table>
"""


def test_main_run_in_nested_table_layout_is_the_article():
    """Old county-site layout: menu column, article cell, related links and comments below it."""
    texts = _run_texts(NESTED_LAYOUT)
    assert texts[-len(PARAS) :] == PARAS
    assert not set(RELATED) & set(texts)
    assert "网友评论" not in texts and "文明上网，理性发言" not in texts
    assert not any("首页" in t or "通知公告" in t or "版权所有" in t for t in texts)


def test_main_run_spans_paragraphs_split_by_a_short_subheading():
    body = ('<div class="nav"><a href="/">首页</a> <a href="/x">新闻</a></div><div class="article">'
            f"<p>{PARAS[0]}</p><p>{PARAS[1]}</p><h3>下一步工作</h3><p>{PARAS[2]}</p><p>{PARAS[3]}</p></div>"
            '<ul class="related">' + "".join(f'<li><a href="/{i}">{t}</a></li>' for i, t in enumerate(RELATED)) + "</ul>")
    assert _run_texts(body) == [PARAS[0], PARAS[1], "下一步工作", PARAS[2], PARAS[3]]


def test_main_run_of_an_english_page():
    paras = [
        "The council approved a new budget for schools on Tuesday after a debate that lasted most of the evening.",
        "Teachers had asked for smaller classes and more money for books, and most of their requests were granted.",
        "The mayor said the budget would be reviewed again next spring, once the new tax figures are known.",
    ]
    body = ('<ul class="menu"><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li></ul>'
            "<article>" + "".join(f"<p>{p}</p>" for p in paras) + "</article>"
            '<ul><li><a href="/a">Storm batters coast</a></li><li><a href="/b">Bridge to reopen in May</a></li></ul>')
    assert _run_texts(body) == paras


def test_no_prose_no_run():
    root = _root('<ul><li><a href="/">首页</a></li><li><a href="/x">政务公开</a></li></ul>')
    assert find_main_run(root, split_blocks(root)) is None


def test_run_element_contains_the_run():
    root = _root(NESTED_LAYOUT)
    blocks = split_blocks(root)
    run = find_main_run(root, blocks)
    inside = set(run.element.iter())
    assert all(b.owner in inside for b in blocks[run.start : run.end + 1])
    assert run.score > 0
