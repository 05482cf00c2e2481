"""Cutting a page into text blocks; data tables vs layout tables (scraper/blocks.py)."""

from __future__ import annotations

import lxml.html
import pytest

from scraper.extract.blocks import is_data_table, split_blocks


def _root(body: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(f"<html><body>{body}</body></html>")


def _texts(body: str) -> list[str]:
    return [b.text for b in split_blocks(_root(body))]


def _table(html: str) -> lxml.html.HtmlElement:
    return _root(html).find(".//table")


DATA_TABLE = (
    "<table border='1'><thead><tr><th>乡镇</th><th>确诊病例</th><th>隔离观察</th></tr></thead>"
    "<tbody><tr><td>平襄镇</td><td>0</td><td>12</td></tr>"
    "<tr><td>马营镇</td><td>1</td><td>8</td></tr>"
    "<tr><td>合计</td><td>1</td><td>20</td></tr></tbody></table>"
)


def test_paragraphs_and_line_breaks_are_blocks():
    body = "<div><p>第一段，县委召开会议。</p><p>第二段<br>第三段</p>落款单位</div>"
    assert _texts(body) == ["第一段，县委召开会议。", "第二段", "第三段", "落款单位"]


def test_inline_markup_stays_in_its_line():
    body = "<p>会议由县委书记<strong>王强</strong>主持，<a href='/x'>县长</a>李明讲话。</p>"
    assert _texts(body) == ["会议由县委书记王强主持，县长李明讲话。"]


def test_whitespace_inside_a_block_is_collapsed():
    assert _texts("<p>  1月30日，\n   县委召开\t会议。 </p>") == ["1月30日， 县委召开 会议。"]


def test_link_characters_are_counted():
    block = split_blocks(_root("<li><a href='/1'>通渭县召开疫情防控会议</a> 2020-01-31</li>"))[0]
    assert block.link_chars == len("通渭县召开疫情防控会议")
    assert block.chars == len("通渭县召开疫情防控会议2020-01-31")
    assert 0.5 < block.link_ratio < 1


def test_punctuation_count():
    block = split_blocks(_root("<p>会议强调，要提高站位、压实责任；确保实效。</p>"))[0]
    assert block.punctuation == 4


def test_blocks_know_their_tag_and_order():
    blocks = split_blocks(_root("<h1>标题</h1><div><p>正文一。</p><ul><li>列表项</li></ul></div>"))
    assert [(b.tag, b.text, b.index) for b in blocks] == [("h1", "标题", 0), ("p", "正文一。", 1), ("li", "列表项", 2)]


def test_data_table_rows_become_one_line_with_cells_separated_by_a_space():
    blocks = split_blocks(_root("<p>全县疫情情况如下：</p>" + DATA_TABLE))
    assert [b.text for b in blocks] == ["全县疫情情况如下：", "乡镇 确诊病例 隔离观察", "平襄镇 0 12", "马营镇 1 8", "合计 1 20"]
    assert [b.tag for b in blocks[1:]] == ["tr"] * 4


def test_cell_with_paragraphs_and_breaks_stays_on_its_row():
    table = ("<table><tr><td>序号</td><td>内容</td></tr>"
             "<tr><td>1</td><td><p>完善制度</p><p>加强督查<br>压实责任</p></td></tr></table>")
    assert _texts(table) == ["序号 内容", "1 完善制度 加强督查 压实责任"]


def test_data_table_without_tbody():
    table = "<table><tr><td>姓名</td><td>职务</td></tr><tr><td>张三</td><td>县长</td></tr></table>"
    assert is_data_table(_table(table))
    assert _texts(table) == ["姓名 职务", "张三 县长"]


def test_data_table_is_a_data_table():
    assert is_data_table(_table(DATA_TABLE))


LONG = "1月30日，通渭县召开新型冠状病毒感染的肺炎疫情防控工作会议，安排部署全县疫情防控工作。县委书记主持会议并讲话，要求各级各部门压实责任。"


@pytest.mark.parametrize(
    "html",
    [
        # the page layout: a table holding tables
        f"<table><tr><td><table><tr><td>栏目</td><td>导航</td></tr></table></td><td><p>{LONG}</p></td></tr>"
        "<tr><td>a</td><td>b</td></tr></table>",
        # a layout table whose cell holds the article
        f"<table><tr><td>当前位置</td><td>首页</td></tr><tr><td colspan='2'>{('<p>' + LONG + '</p>') * 4}</td></tr></table>",
        # a menu table: all links
        "<table><tr><td><a href='/1'>网站首页</a></td><td><a href='/2'>政务公开</a></td></tr>"
        "<tr><td><a href='/3'>政务服务</a></td><td><a href='/4'>互动交流</a></td></tr></table>",
        # a gallery of pictures and captions
        "<table><tr><td><img src='a.jpg'></td><td><img src='b.jpg'></td></tr><tr><td>图一</td><td>图二</td></tr></table>",
        # one row is not a grid
        "<table><tr><td>发布时间：2020-01-31</td><td>来源：县政府办</td></tr></table>",
        # single cells per row: a vertical layout, not a grid
        "<table><tr><td>标题</td></tr><tr><td>正文</td></tr><tr><td>落款</td></tr></table>",
    ],
    ids=["nested", "article-cell", "menu", "gallery", "one-row", "one-column"],
)
def test_layout_tables_are_not_data_tables(html):
    assert not is_data_table(_table(html))


def test_layout_table_cells_are_read_as_their_own_blocks():
    paragraphs = [LONG, "会议强调，要切实提高政治站位。", LONG, "会议要求，要加强宣传引导。", LONG, LONG]
    html = ("<table><tr><td>当前位置</td><td>首页</td></tr><tr><td colspan='2'>"
            + "".join(f"<p>{p}</p>" for p in paragraphs) + "</td></tr></table>")
    assert _texts(html) == ["当前位置", "首页", *paragraphs]


NOTICE = ["各乡镇人民政府，县直各部门：", "经县政府研究，决定于2月1日起恢复正常办公。现将有关事项通知如下：",
          "一、各单位要做好疫情防控工作。", "二、严格落实值班制度。", "特此通知。"]


def test_short_notice_in_a_layout_table_keeps_its_paragraphs():
    html = ("<table><tr><td>发布时间：2020-01-31</td><td>来源：县政府办</td></tr><tr><td colspan='2'>"
            + "".join(f"<p>{p}</p>" for p in NOTICE) + "</td></tr></table>")
    assert _texts(html)[-len(NOTICE):] == NOTICE


def test_tail_text_is_its_own_block():
    assert _texts("<div><p>第一段。</p>尾巴文字<p>第二段。</p></div>") == ["第一段。", "尾巴文字", "第二段。"]


def test_deep_nesting_does_not_exhaust_the_stack():
    root = _root("<p>x</p>")
    el = root.find("body")
    for _ in range(5000):  # deeper than Python's recursion limit
        el = lxml.html.etree.SubElement(el, "div")
    lxml.html.etree.SubElement(el, "p").text = "深处的正文。"
    assert [b.text for b in split_blocks(root)] == ["x", "深处的正文。"]
