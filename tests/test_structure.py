"""The body as typed blocks (`Document.blocks`, extract/structure.py), on the fixture pages.

The blocks must agree with `Document.text` line for line on every fixture, and give
each kind of block where a reader sees one: headings with their level, list items
with their depth, tables with their cells, a `<pre>` whole, quotes, images with
source and caption, links with absolute targets.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest

import scraper
from scraper.extract.structure import align
from scraper.models import Document

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
NAMES = sorted(p.stem for p in PAGES.glob("*.json"))


@functools.lru_cache(maxsize=None)
def fixture(name: str) -> Document:
    exp = json.loads((PAGES / f"{name}.json").read_text(encoding="utf-8"))
    return scraper.clean((PAGES / f"{name}.html").read_bytes(), exp["url"], content_type=exp["content_type"])


def kinds(doc: Document, kind: str):
    return [b for b in doc.blocks if b.kind == kind]


@pytest.mark.parametrize("name", NAMES)
def test_blocks_hold_the_text_line_for_line(name):
    doc = fixture(name)
    assert doc.blocks, name
    assert "\n".join(line for block in doc.blocks for line in block.lines) == doc.text


def test_headings_lists_and_code_of_a_blog_post():
    doc = fixture("en-blog-tech")
    assert [(b.text, b.level) for b in kinds(doc, "heading")] == [
        ("The symptom", 2), ("Reading the plan", 2), ("The fix", 2), ("What I took away from it", 2)]
    items = kinds(doc, "item")
    assert len(items) == 6 and {(b.level, b.ordered) for b in items} == {(1, False)}
    assert items[0].text == "The estimated and actual row counts for the orders scan were off by a factor of 450."
    assert [items[0].text[a:b] for a, b in items[0].code_spans] == ["orders"]  # inline <code>
    select, create = kinds(doc, "code")
    assert select.lines[0] == "SELECT o.id, o.created_at, count(li.id) AS items" and len(select.lines) == 7
    assert "\n  AND o.created_at > now() - interval '90 days'\n" in select.code  # its indentation kept
    assert "ON line_items (order_id);\n\nALTER TABLE orders" in create.code  # and its blank line


def test_table_figure_quote_ordered_list_and_links_of_a_news_page():
    doc = fixture("en-news-table-figure")
    (table,) = kinds(doc, "table")
    assert table.header and table.rows[0] == ("Month", "Rainfall (mm)", "Average (mm)", "Wet days")
    assert table.rows[1:] == (("December", "221", "142", "24"), ("January", "318", "139", "27"),
                              ("February", "203", "117", "22"))
    (quote,) = kinds(doc, "quote")
    assert len(quote.lines) == 2 and quote.lines[1].startswith("Lambing starts in three weeks")
    items = kinds(doc, "item")
    assert len(items) == 3 and all(b.ordered and b.level == 1 for b in items)
    (image,) = kinds(doc, "image")
    assert image.src == "https://www.wharfedalecourier.co.uk/media/2024/03/flooded-fields-burnsall-800.jpg"
    assert image.alt == "Flooded pasture beside the River Wharfe near Burnsall"
    assert image.text == "Pasture beside the Wharfe near Burnsall was still under water last week. Photo: Tom Fairbairn"
    links = {b.text[k.start:k.end]: k.href for b in doc.blocks for k in b.links}
    assert links == {
        "Met Office": "https://www.metoffice.gov.uk/research/climate/maps-and-data",
        "the flood warning service": "https://check-for-flooding.service.gov.uk/",
        "report on Storm Isha": "https://www.wharfedalecourier.co.uk/news/2024/01/22/storm-isha-what-we-know/",
    }


def test_a_chinese_notice_table_with_a_bold_header_and_a_spanning_cell():
    doc = fixture("gov-county-gbk-table")
    (table,) = kinds(doc, "table")
    assert table.header  # a row of <strong> cells, as Chinese CMSs mark the header
    assert table.rows[0] == ("序号", "乡镇", "补贴户数（户）", "补贴机具（台）", "补贴资金（万元）")
    assert table.rows[-1] == ("合计", "", "61", "77", "31.79")  # colspan=2: the grid keeps its columns
    assert table.lines[-1] == "合计 61 77 31.79"  # the text keeps its line
    after = doc.blocks[doc.blocks.index(table) + 1]
    assert (after.kind, after.text) == ("paragraph", "二、公示时间")


def test_the_gb2312_notice_table_and_its_attachment_line():
    doc = fixture("gov-notice-gb2312-luokuan")
    (table,) = kinds(doc, "table")
    assert table.rows[0] == ("组别", "牵头单位", "联系人", "电话")
    assert all(len(row) == 4 for row in table.rows)


NESTED = """<html><head><title>Setting up the build</title></head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/docs/">Docs</a></li></ul></nav>
<article><h1>Setting up the build</h1>
<p>The build needs a few tools installed before the first run, and each of them has to be on the PATH.</p>
<ol><li>Install the compilers:<ul><li>gcc 12 or later, for the C parts of the project;</li>
<li>rustc 1.70 or later, for the parser written in Rust.</li></ul></li>
<li>Run <code>make setup</code> from the root of the checkout; see <a href="javascript:alert(1)">this</a>
and <a href="../faq.html#build">the FAQ</a>.</li></ol>
<blockquote><p>Builds on network drives are slow: keep the checkout on a local disk.</p></blockquote>
<p>After that the build takes about four minutes on a laptop, and much less on the second run.</p>
</article><footer><p>Copyright 2024 The Project</p></footer></body></html>"""


def test_nested_list_depths_and_unsafe_links():
    doc = scraper.clean(NESTED, "https://docs.example.org/guide/build.html")
    items = [(b.text[:12], b.level, b.ordered) for b in kinds(doc, "item")]
    assert items == [("Install the ", 1, True), ("gcc 12 or la", 2, False), ("rustc 1.70 o", 2, False),
                     ("Run make set", 1, True)]
    markdown = doc.render("markdown")
    assert "\n1. Install the compilers:\n    - gcc 12" in markdown and "\n2. Run `make setup` from" in markdown
    last = kinds(doc, "item")[3]
    assert [last.text[k.start:k.end] for k in last.links] == ["the FAQ"]  # javascript: is no link
    assert last.links[0].href == "https://docs.example.org/faq.html#build"
    assert [b.text for b in kinds(doc, "quote")] == ["Builds on network drives are slow: keep the checkout on a local disk."]


def test_align_traces_cleaned_and_dropped_lines_in_order():
    sources = ["Title", "  first\u00a0 line ", "share this", "服(fú)务(wù)说明", "last"]
    assert align(["first line", "服务说明", "last"], sources) == [1, 3, 4]
    assert align(["first line", "not from the page", "last"], sources) == [1, None, 4]
    assert align(["x", "x"], ["x", "y", "x"]) == [0, 2]  # repeated lines go to the next copy


def test_a_document_from_the_store_has_no_blocks_and_renders_by_line():
    doc = Document(url=None, title="通知", text="第一段。\n第二段。")
    assert doc.blocks == ()
    assert doc.render("markdown") == "# 通知\n\n第一段。\n\n第二段。"
    assert json.loads(doc.render("json"))["blocks"] == [{"type": "paragraph", "text": "第一段。"},
                                                      {"type": "paragraph", "text": "第二段。"}]


def test_lead_image_and_lazy_loaded_image():
    lead = fixture("en-gov-press-release").blocks[0]  # before the first paragraph, its title line gone
    assert (lead.kind, lead.alt) == ("image", "A single-decker bus on a country road")
    assert lead.src == "https://assets.publishing.service.gov.uk/media/65a0f1c2e8f5ec000d1f2b3c/s960_rural-bus.jpg"
    # a Discuz post's picture: src is a none.gif placeholder, the picture is in file=
    (image,) = kinds(fixture("forum-discuz-gbk-thread"), "image")
    assert image.src == "http://bbs.qinghecheng.net/data/attachment/forum/202306/18/210402x0kq9w5ffz8e8yxq.jpg"
    # the blog's author avatar (49 px, in the footer) is no image of the article
    assert not kinds(fixture("en-blog-tech"), "image")
