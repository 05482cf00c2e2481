"""clean(): the library contract, and bad input that must give a result or a specific error."""

from __future__ import annotations

import struct
import threading
import zlib
from pathlib import Path

import pytest

import scraper
from scraper import CleanConfig, Document

PAGES = Path(__file__).parent.parent / "fixtures" / "pages"
TRS_PAGE = PAGES / "gov-city-gbk-trs.html"
URL = "http://www.pingliang.gov.cn/zwgk/zwdt/202001/t20200131_123456.html"


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0\0\0\0")) + chunk(b"IEND", b"")


@pytest.fixture(scope="module")
def trs_bytes() -> bytes:
    return TRS_PAGE.read_bytes()


def test_contract_fields_and_to_dict(trs_bytes):
    doc = scraper.clean(trs_bytes, URL, content_type="text/html; charset=gb2312")
    assert isinstance(doc, Document)
    assert doc.url == URL
    assert doc.title == "市政府召开新型冠状病毒感染的肺炎疫情防控工作专题会议"
    assert doc.date == "2020-01-31"
    assert doc.encoding == "gb18030" and doc.encoding_source == "header"
    assert "副市长王镕主持会议" in doc.text  # GBK-only 镕 decoded
    data = doc.to_dict()
    for key in ("url", "title", "text", "date", "source", "author", "editor", "site_name",
                "lang", "canonical_url", "encoding", "encoding_source"):
        assert key in data
    with pytest.raises(AttributeError):
        doc.title = "changed"  # frozen: documents are values


def test_str_input_is_taken_as_decoded(trs_bytes):
    html = trs_bytes.decode("gb18030")
    doc = scraper.clean(html, URL)
    assert doc.encoding is None and doc.encoding_source == "given"
    assert doc.text == scraper.clean(trs_bytes, URL).text


def test_same_input_same_output(trs_bytes):
    assert scraper.clean(trs_bytes, URL) == scraper.clean(trs_bytes, URL)


def test_clean_is_safe_from_threads(trs_bytes):
    expected = scraper.clean(trs_bytes, URL).text
    results: list[str] = []

    def work():
        for _ in range(5):
            results.append(scraper.clean(trs_bytes, URL).text)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [expected] * 20


def test_body_selector_overrides_detection(trs_bytes):
    doc = scraper.clean(trs_bytes, URL, config=CleanConfig(body_selector="div.TRS_Editor"))
    assert doc.text.startswith("1月30日下午，市政府召开")
    assert "上一篇" not in doc.text


@pytest.mark.parametrize(
    "body, error, words",
    [
        (b"", scraper.EmptyInputError, "0 bytes"),
        (b"  \r\n\t ", scraper.EmptyInputError, "whitespace"),
        (png_bytes(), scraper.NotHTMLError, "PNG"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", scraper.NotHTMLError, "PDF"),
        (b"PK\x03\x04\x14\x00\x06\x00" + bytes(200), scraper.NotHTMLError, "not a web page"),
    ],
    ids=["empty", "whitespace", "png", "pdf", "zip"],
)
def test_non_pages_get_specific_errors(body, error, words):
    with pytest.raises(error) as info:
        scraper.clean(body, "http://example.gov.cn/file")
    assert words in str(info.value)
    assert isinstance(info.value, scraper.ScraperError)


def test_shell_page_without_article_is_no_content():
    page = """<html><head><title>首页_某某县人民政府</title></head><body>
    <div class="nav"><a href="/">首页</a><a href="/zwgk/">政务公开</a><a href="/hdjl/">互动交流</a></div>
    <ul><li><a href="/a1.html">县政府召开常务会议</a></li><li><a href="/a2.html">全县安全生产工作会议召开</a></li></ul>
    <div class="footer">版权所有：某某县人民政府 陇ICP备14000381号</div></body></html>"""
    with pytest.raises(scraper.NoContentError, match="no main content"):
        scraper.clean(page.encode("utf-8"), "http://www.example.gov.cn/")


def test_twenty_thousand_nested_divs_keep_their_text():
    text = "深层嵌套中的正文段落，这是一段足够长的文字，用来确认极深的页面结构不会丢失内容。"
    body = b"<html><body>" + b"<div>" * 20000 + text.encode() + b"</div>" * 20000 + b"</body></html>"
    doc = scraper.clean(body, "http://example.cn/deep.html")
    assert text in doc.text


def test_nul_bytes_inside_a_page_are_dropped(trs_bytes):
    doc = scraper.clean(trs_bytes.replace(b"</p>", b"\x00</p>", 5), URL)
    assert "\x00" not in doc.text
    assert "副市长王镕主持会议" in doc.text


def test_a_lone_invalid_byte_is_replaced_not_the_page():
    page = ('<html><head><meta charset="utf-8"><title>通知</title></head><body><div class="content">'
            "<p>为做好冬季安全生产工作，现将有关事项通知如下，请各单位认真贯彻落实。</p>"
            "<p>各乡镇要加强隐患排查，建立台账，逐项整改，确保安全生产形势稳定。</p></div></body></html>").encode()
    broken = page.replace("建立台账".encode(), b"\xff" + "台账".encode())
    doc = scraper.clean(broken, "http://example.cn/n.html")
    assert doc.encoding == "utf-8"
    assert "\ufffd台账，逐项整改" in doc.text
    assert "为做好冬季安全生产工作" in doc.text


def test_plain_text_that_is_not_html_is_cleaned():
    text = "关于做好春节期间疫情防控工作的通知。\n各单位要严格落实各项防控措施，确保群众过一个安全祥和的春节。\n"
    doc = scraper.clean(text.encode("gb18030"), None, content_type="text/plain; charset=gbk")
    assert "各单位要严格落实各项防控措施" in doc.text


def test_thirty_megabyte_page_is_cleaned(trs_bytes):
    filler = ("<p>" + "为做好疫情防控工作，各部门要加强协作，落实责任，确保各项措施落地见效。" * 20 + "</p>\n").encode("gb18030")
    head, _, tail = trs_bytes.partition(b"</body>")
    page = head + filler * (30 * 1024 * 1024 // len(filler)) + b"</body>" + tail
    assert len(page) > 30 * 1024 * 1024
    doc = scraper.clean(page, URL)
    assert doc.encoding == "gb18030"
    assert len(doc.text) > 1000


def test_input_over_the_configured_limit_is_refused(trs_bytes):
    with pytest.raises(scraper.InputTooLargeError, match="limit"):
        scraper.clean(trs_bytes, URL, config=CleanConfig(max_input_bytes=1000))


def test_wrong_argument_type_is_a_type_error():
    with pytest.raises(TypeError):
        scraper.clean(12345)  # type: ignore[arg-type]


def test_tables_can_be_left_out():
    page = (PAGES / "gov-notice-gb2312-luokuan.html").read_bytes()
    with_tables = scraper.clean(page, "http://www.huining.gov.cn/a.html")
    without = scraper.clean(page, "http://www.huining.gov.cn/a.html", config=CleanConfig(include_tables=False))
    assert "第一组 县应急管理局 张建军 0943-3222118" in with_tables.text
    assert "第一组" not in without.text
    assert "县安全生产委员会成立四个检查组" in without.text


def test_bad_config_is_a_config_error():
    with pytest.raises(scraper.ConfigError, match="invalid CSS selector"):
        CleanConfig(body_selector="div[[")
    with pytest.raises(scraper.ConfigError):
        CleanConfig(max_input_bytes=0)


def test_english_shell_page_is_no_content():
    page = b"<html><head><title>Home</title></head><body><div><a href='/'>home</a></div></body></html>"
    with pytest.raises(scraper.NoContentError):
        scraper.clean(page, "http://x.gov.cn/art_1_1.html")


def test_a_short_english_notice_is_still_an_article():
    page = b"<html><head><title>Notice</title></head><body><article><p>The office is closed today.</p></article></body></html>"
    assert scraper.clean(page).text == "The office is closed today."
