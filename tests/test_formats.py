"""The renderers (scraper/formats/) and `scraper clean --format ... --links --images --no-tables`.

Markdown keeps `##` headings, list items and the `<pre>` whole in a fence; HTML and
XML-TEI are well-formed and escaped; JSON carries the blocks; the options act on
every format; `-o DIR` names files with the format's extension.
"""

from __future__ import annotations

import json

import lxml.etree as etree
import lxml.html
import pytest
from click.testing import CliRunner

import scraper
from scraper.cli import main
from scraper.models import BodyBlock, Document, Link, RenderOptions
from test_structure import NAMES, PAGES, fixture

BLOG = PAGES / "en-blog-tech.html"
BLOG_URL = "https://notesfromtheterminal.dev/2023/06/14/finding-a-slow-query-with-explain-analyze/"
NEWS = PAGES / "en-news-table-figure.html"
NEWS_URL = "https://www.wharfedalecourier.co.uk/news/2024/03/04/wettest-winter-forty-years-dale-valley/"
TEI = "{http://www.tei-c.org/ns/1.0}"
ALL = RenderOptions(links=True, images=True)

SELECT = """```
SELECT o.id, o.created_at, count(li.id) AS items
FROM orders o
JOIN line_items li ON li.order_id = o.id
WHERE o.customer_id = $1
  AND o.created_at > now() - interval '90 days'
GROUP BY o.id
ORDER BY o.created_at DESC;
```"""


@pytest.fixture
def runner():
    return CliRunner()


def clean(runner, *args: str) -> str:
    result = runner.invoke(main, ["clean", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_markdown_of_the_blog_post_keeps_headings_lists_and_the_whole_query(runner):
    out = clean(runner, str(BLOG), "--format", "markdown")
    assert out.startswith("# Finding a slow query with EXPLAIN ANALYZE\n")
    assert "\n## The symptom\n" in out and "\n## What I took away from it\n" in out
    assert "\n- The estimated and actual row counts for the `orders` scan were off by a factor of 450.\n- The inner" in out
    assert "Running it with `EXPLAIN (ANALYZE, BUFFERS)` showed" in out  # inline code
    assert "\n" + SELECT + "\n" in out  # one fence, the SQL as written, not a paragraph a line
    assert "    ON line_items (order_id);\n\nALTER TABLE" in out


def test_no_tables_drops_tables_from_every_format(runner):
    row = "第一组 县应急管理局 张建军 0943-3222118"
    page = str(PAGES / "gov-notice-gb2312-luokuan.html")
    assert row in clean(runner, page)
    assert "| 第一组 |" in clean(runner, page, "--format", "markdown")
    for fmt in ("text", "markdown", "html", "xml", "json"):
        out = clean(runner, page, "--format", fmt, "--no-tables")
        assert "张建军" not in out and "李文斌" not in out, fmt
        assert "会宁县人民政府办公室" in out, fmt  # the rest of the notice stays
    data = json.loads(clean(runner, page, "--format", "json", "--no-tables"))
    assert not [b for b in data["blocks"] if b["type"] == "table"]


def test_links_keeps_absolute_targets(runner):
    plain = clean(runner, str(NEWS), "--url", NEWS_URL, "--format", "markdown")
    assert "](http" not in plain and "figures from the Met Office and" in plain
    out = clean(runner, str(NEWS), "--url", NEWS_URL, "--format", "markdown", "--links")
    assert "[Met Office](https://www.metoffice.gov.uk/research/climate/maps-and-data)" in out
    assert "[report on Storm Isha](https://www.wharfedalecourier.co.uk/news/2024/01/22/storm-isha-what-we-know/)" in out
    html = lxml.html.fromstring(clean(runner, str(NEWS), "--url", NEWS_URL, "--format", "html", "--links"))
    assert [a.get("href") for a in html.iter("a")] == [
        "https://www.metoffice.gov.uk/research/climate/maps-and-data", "https://check-for-flooding.service.gov.uk/",
        "https://www.wharfedalecourier.co.uk/news/2024/01/22/storm-isha-what-we-know/"]
    tei = etree.fromstring(clean(runner, str(NEWS), "--url", NEWS_URL, "--format", "xml", "--links").encode())
    assert len(tei.findall(f".//{TEI}ref")) == 3


def test_images_keeps_source_and_caption(runner):
    src = "https://www.wharfedalecourier.co.uk/media/2024/03/flooded-fields-burnsall-800.jpg"
    caption = "Pasture beside the Wharfe near Burnsall was still under water last week. Photo: Tom Fairbairn"
    plain = clean(runner, str(NEWS), "--url", NEWS_URL, "--format", "markdown")
    assert src not in plain and caption in plain  # the caption is text of the article either way
    out = clean(runner, str(NEWS), "--url", NEWS_URL, "--format", "markdown", "--images")
    assert f"![Flooded pasture beside the River Wharfe near Burnsall]({src})\n\n{caption}" in out
    html = lxml.html.fromstring(clean(runner, str(NEWS), "--url", NEWS_URL, "--format", "html", "--images"))
    (figure,) = html.iter("figure")
    assert figure.find("img").get("src") == src and figure.findtext("figcaption") == caption
    tei = etree.fromstring(clean(runner, str(NEWS), "--url", NEWS_URL, "--format", "xml", "--images").encode())
    (graphic,) = tei.iter(f"{TEI}graphic")
    assert graphic.get("url") == src and graphic.getparent().findtext(f"{TEI}head") == caption


@pytest.mark.parametrize("name", NAMES)
def test_every_format_of_every_fixture(name):
    """TEI and HTML parse, JSON has the blocks, and text is the document's text."""
    doc = fixture(name)
    tei = etree.fromstring(scraper.render(doc, "xml", ALL).encode())
    assert tei.tag == f"{TEI}TEI" and tei.find(f"{TEI}text/{TEI}body/{TEI}div") is not None
    assert tei.findtext(f".//{TEI}titleStmt/{TEI}title") == doc.title
    body_text = "".join(tei.find(f"{TEI}text").itertext())
    assert all(line.split()[0] in body_text for line in doc.text.split("\n") if line.split())
    page = lxml.html.fromstring(scraper.render(doc, "html", ALL))
    assert page.findtext(".//h1") == doc.title
    data = json.loads(scraper.render(doc, "json", ALL))
    assert data["text"] == doc.text and data["blocks"] == [b.to_dict() for b in doc.blocks]
    assert scraper.render(doc, "text") == doc.text


def test_json_carries_typed_blocks(runner):
    data = json.loads(clean(runner, str(NEWS), "--url", NEWS_URL, "--format", "json", "--links", "--images"))
    types = [b["type"] for b in data["blocks"]]
    assert types[0] == "image" and {"heading", "table", "quote", "item", "paragraph"} <= set(types)
    table = next(b for b in data["blocks"] if b["type"] == "table")
    assert table["header"] and table["rows"][1] == ["December", "221", "142", "24"]
    linked = [b for b in data["blocks"] if "links" in b]
    assert linked[0]["text"][linked[0]["links"][0]["start"]:linked[0]["links"][0]["end"]] == "Met Office"


def test_tei_header_holds_the_metadata():
    tei = etree.fromstring(fixture("gov-county-gbk-table").render("xml").encode())
    assert tei.findtext(f".//{TEI}publicationStmt/{TEI}date") == "2024-03-11"
    cells = [c.text for c in tei.find(f".//{TEI}table/{TEI}row")]
    assert cells[:2] == ["序号", "乡镇"] and tei.find(f".//{TEI}table/{TEI}row").get("role") == "head"


def test_output_dir_names_files_by_format(runner, tmp_path):
    for fmt, ext in (("markdown", ".md"), ("html", ".html"), ("xml", ".xml"), ("json", ".json"), ("text", ".txt")):
        out = tmp_path / fmt
        result = runner.invoke(main, ["clean", str(BLOG), "--url", BLOG_URL, "-o", str(out), "--format", fmt])
        assert result.exit_code == 0, result.output
        (written,) = out.iterdir()
        assert written.name == "en-blog-tech" + ext
        body = written.read_text(encoding="utf-8")
        assert "Reading the plan" in body
    assert json.loads((tmp_path / "json" / "en-blog-tech.json").read_text(encoding="utf-8"))["blocks"]
    etree.fromstring((tmp_path / "xml" / "en-blog-tech.xml").read_bytes())


HOSTILE = Document(
    url="https://x.example/a", title="<script>alert(1)</script> & co", text="1. not a list\n# not a heading\n<b>bold</b>",
    blocks=(BodyBlock("paragraph", ("1. not a list",)), BodyBlock("paragraph", ("# not a heading",)),
            BodyBlock("paragraph", ("<b>bold</b>",), links=(Link(0, 3, 'https://x.example/"onmouseover="x'),))))


def test_web_text_is_escaped_in_every_markup():
    md = scraper.render(HOSTILE, "markdown", RenderOptions(links=True))
    assert "\n\n1\\. not a list\n\n\\# not a heading\n\n" in md and "# \\<script>alert(1)\\</script>" in md
    page = scraper.render(HOSTILE, "html", RenderOptions(links=True))
    assert "<script>" not in page and "&lt;script&gt;" in page
    (a,) = lxml.html.fromstring(page).iter("a")
    assert a.get("href") == 'https://x.example/"onmouseover="x' and a.get("onmouseover") is None
    tei = etree.fromstring(scraper.render(HOSTILE, "xml").encode())
    assert tei.findtext(f".//{TEI}title") == HOSTILE.title


def test_unknown_format_is_a_config_error():
    with pytest.raises(scraper.ConfigError, match="unknown format 'pdf'"):
        scraper.render(HOSTILE, "pdf")


def test_python_twin_of_the_cli(runner):
    doc = scraper.clean(NEWS.read_bytes(), NEWS_URL)
    options = RenderOptions(links=True, images=True, tables=False)
    cli = clean(runner, str(NEWS), "--url", NEWS_URL, "--format", "markdown", "--links", "--images", "--no-tables")
    assert cli == doc.render("markdown", options) + "\n" == scraper.render(doc, "markdown", options) + "\n"
