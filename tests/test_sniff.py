"""scraper.decode.sniff: tell web pages from PDFs, images, archives and other binaries."""

from __future__ import annotations

import bz2
import codecs
import gzip
import io
import lzma
import random
import struct
import tarfile
import zipfile
import zlib

import pytest
from charset_pages import GB_SENTENCE, gov_page

from scraper.errors import EmptyInputError, NotHTMLError
from scraper.decode.sniff import classify, ensure_html, sniff

PAGE = gov_page('<meta charset="gb2312">')


def noise(size: int, seed: int = 7) -> bytes:
    """Deterministic random bytes: the body of compressed or encrypted data."""
    return random.Random(seed).randbytes(size)


def pdf() -> bytes:
    stream = b"BT /F1 12 Tf 72 712 Td (Annual report 2024) Tj ET"
    return (
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
        b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
        b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>\n"
        b"endobj\n"
        + b"4 0 obj\n<< /Length %d >>\nstream\n" % len(stream)
        + stream
        + b"\nendstream\nendobj\n"
        + noise(2000)
        + b"\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    rows = b"".join(b"\x00" + noise(48, seed=y) for y in range(16))
    header = struct.pack(">IIBBBBB", 16, 16, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def zip_with(files: dict[str, bytes]) -> bytes:
    """A real ZIP; an OpenDocument/EPUB "mimetype" entry is stored uncompressed, as required."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            method = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=method)
    return buffer.getvalue()


def tar_with(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


HTML_BYTES = PAGE.encode("gb2312")
SAMPLES = {
    "pdf": (pdf(), "pdf", "a PDF document"),
    "png": (png(), "image", "a PNG image"),
    "jpeg": (
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + noise(3000),
        "image",
        "a JPEG image",
    ),
    "gif": (b"GIF89a\x10\x00\x10\x00\x80\x00\x00" + noise(500), "image", "a GIF image"),
    "webp": (b"RIFF\x24\x10\x00\x00WEBPVP8 " + noise(4000), "image", "a WebP image"),
    "avif": (
        b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1" + noise(2000),
        "image",
        "an AVIF image",
    ),
    "zip": (
        zip_with({"report.csv": b"year,total\n2023,12\n2024,15\n" * 50}),
        "archive",
        "a ZIP archive",
    ),
    "docx": (
        zip_with({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>" * 40}),
        "office",
        "a Word document (docx)",
    ),
    "xlsx": (
        zip_with({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}),
        "office",
        "an Excel workbook (xlsx)",
    ),
    "odt": (
        zip_with({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"}),
        "office",
        "an OpenDocument file (odt/ods/odp)",
    ),
    "gzip": (gzip.compress(HTML_BYTES), "archive", "gzip-compressed data"),
    "bzip2": (bz2.compress(HTML_BYTES), "archive", "bzip2-compressed data"),
    "xz": (lzma.compress(HTML_BYTES), "archive", "xz-compressed data"),
    "tar": (tar_with("page.html", HTML_BYTES), "archive", "a tar archive"),
    "7z": (b"7z\xbc\xaf\x27\x1c\x00\x04" + noise(3000), "archive", "a 7-Zip archive"),
    "rar": (b"Rar!\x1a\x07\x01\x00" + noise(3000), "archive", "a RAR archive"),
    "doc": (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + noise(5000),
        "office",
        "a Microsoft Office document (doc/xls/ppt)",
    ),
    "mp3": (b"ID3\x03\x00\x00\x00\x00\x0f\x76" + noise(4000), "audio", "an MP3 audio file"),
    "mp4": (
        b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + noise(4000),
        "video",
        "an MP4 video",
    ),
    "webm": (b"\x1aE\xdf\xa3\x9fB\x86\x81\x01" + noise(4000), "video", "a WebM/Matroska video"),
    "elf": (b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + noise(4000), "binary", "an ELF executable"),
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_magic_bytes(name: str) -> None:
    body, kind, description = SAMPLES[name]
    assert classify(body) == (kind, description)
    # magic bytes beat a server that calls everything text/html
    assert sniff(body, "text/html; charset=utf-8") == kind


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_ensure_html_refuses_non_html(name: str) -> None:
    body, kind, description = SAMPLES[name]
    with pytest.raises(NotHTMLError) as caught:
        ensure_html(body, None)
    assert caught.value.kind == kind
    assert str(caught.value).startswith(
        f"not a web page: looks like {description} ({len(body):,} bytes"
    )


def test_pdf_message_is_specific() -> None:
    body = pdf()
    with pytest.raises(NotHTMLError) as caught:
        ensure_html(body, "application/pdf")
    assert str(caught.value) == (
        f"not a web page: looks like a PDF document ({len(body):,} bytes, starts with %PDF-1.7)"
    )
    assert caught.value.kind == "pdf"


def test_pdf_after_leading_newlines() -> None:
    assert sniff(b"\r\n\r\n" + pdf(), "text/html") == "pdf"


def test_png_message_escapes_unprintable_bytes() -> None:
    with pytest.raises(NotHTMLError, match=r"starts with \\x89PNG\\x0d\\x0a\\x1a\\x0a\)$"):
        ensure_html(png())


def test_random_bytes_are_binary() -> None:
    kind, description = classify(noise(20000))
    assert kind == "binary"
    assert description.startswith("binary data (") and "control bytes" in description


# --- HTML in its many forms ------------------------------------------------------------------


@pytest.mark.parametrize("codec", ["gb2312", "utf-8", "gb18030"])
def test_html_page(codec: str) -> None:
    assert sniff(PAGE.encode(codec)) == "html"
    assert sniff(PAGE.encode(codec), "text/html; charset=gb2312") == "html"
    ensure_html(PAGE.encode(codec), "text/html")


def test_big5_page_is_html() -> None:
    assert sniff(gov_page(traditional=True).encode("big5")) == "html"


def test_stray_nuls_in_a_page_do_not_make_it_binary() -> None:
    body = HTML_BYTES.replace(
        GB_SENTENCE.encode("gb2312"), b"\x00" * 40 + GB_SENTENCE.encode("gb2312")
    )
    body += b"\x00" * 300  # NUL padding after </html>, as some CMSs write
    assert sniff(body) == "html"
    ensure_html(body, "text/html")


@pytest.mark.parametrize(
    ("bom", "codec"),
    [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"), (b"", "utf-16-le")],
)
def test_utf16_html_is_html(bom: bytes, codec: str) -> None:
    body = bom + PAGE.encode(codec)
    assert body.count(b"\x00") > len(body) // 5
    assert sniff(body) == "html"
    ensure_html(body)


def test_utf8_bom_html() -> None:
    assert sniff(codecs.BOM_UTF8 + PAGE.encode("utf-8")) == "html"


def test_page_with_a_wrapper_line_before_the_html_is_html() -> None:
    body = b'<text id="http://www.example.gov.cn/a.html" title="t">\n' + HTML_BYTES
    assert sniff(body) == "html"


def test_xhtml_with_xml_declaration_is_html() -> None:
    body = b'<?xml version="1.0" encoding="utf-8"?>\n' + PAGE.encode("utf-8")
    assert sniff(body, "application/xhtml+xml") == "html"
    assert sniff(body, "application/xml") == "html"
    assert sniff(body) == "html"


def test_html_error_page_under_a_binary_content_type_is_html() -> None:
    error_page = (
        b"<!DOCTYPE html><html><head><title>404</title></head>"
        b"<body><h1>Not Found</h1></body></html>"
    )
    assert sniff(error_page, "application/pdf") == "html"
    assert sniff(error_page, "application/octet-stream") == "html"


def test_fragment_served_as_octet_stream_is_html() -> None:
    body = "<div class='content'><p>" + GB_SENTENCE + "</p><p>第二段。</p></div>"
    assert sniff(body.encode("utf-8"), "application/octet-stream") == "html"


# --- text and XML ----------------------------------------------------------------------------


def test_plain_text_is_accepted() -> None:
    body = ("关于开展2024年度统计执法检查的公告\n\n" + GB_SENTENCE + "\n\n特此公告。\n").encode(
        "gb18030"
    )
    assert sniff(body, "text/plain; charset=gbk") == "text"
    assert sniff(body) == "text"
    ensure_html(body, "text/plain")  # the caller decides what to do with text


def test_html_served_as_text_plain_is_html() -> None:
    assert sniff(HTML_BYTES, "text/plain") == "html"


def test_json_is_text() -> None:
    assert sniff(b'{"code": 0, "data": {"title": "\\u901a\\u77e5"}}', "application/json") == "text"


def test_rss_and_sitemap_are_xml() -> None:
    rss = (
        b'<?xml version="1.0" encoding="utf-8"?>\n'
        b'<rss version="2.0"><channel><title>t</title></channel></rss>'
    )
    sitemap = (
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>http://www.example.gov.cn/</loc></url></urlset>"
    )
    assert sniff(rss, "application/rss+xml") == "xml"
    assert sniff(rss) == "xml"
    assert sniff(sitemap) == "xml"
    assert sniff(b"<config><item>1</item></config>", "text/xml") == "xml"
    ensure_html(rss)


def test_svg_is_an_image() -> None:
    svg = (
        b'<?xml version="1.0"?>\n'
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect/></svg>'
    )
    assert classify(svg) == ("image", "an SVG image")
    with pytest.raises(NotHTMLError) as caught:
        ensure_html(svg, "image/svg+xml")
    assert caught.value.kind == "image"


# --- the Content-Type when the bytes say nothing ------------------------------------------------


def test_content_type_names_a_non_html_kind() -> None:
    body = b"year,total\n2023,12\n2024,15\n"
    assert sniff(body, "application/pdf") == "pdf"
    with pytest.raises(NotHTMLError, match=r"a PDF document \(Content-Type application/pdf\)"):
        ensure_html(body, "application/pdf")


def test_octet_stream_says_nothing() -> None:
    assert sniff(b"just some words\n", "application/octet-stream") == "text"


# --- empty input -------------------------------------------------------------------------------


def test_empty_input() -> None:
    assert sniff(b"") == "empty"
    with pytest.raises(EmptyInputError, match=r"^empty input: 0 bytes$"):
        ensure_html(b"", "text/html")


@pytest.mark.parametrize(
    "body",
    [b"   \r\n\t\n", codecs.BOM_UTF8 + b"\n\n", codecs.BOM_UTF16_LE + " \n".encode("utf-16-le")],
)
def test_whitespace_only_input_is_empty(body: bytes) -> None:
    assert sniff(body) == "empty"
    with pytest.raises(EmptyInputError, match=rf"^empty input: {len(body)} bytes of whitespace$"):
        ensure_html(body)


def test_nul_only_input_is_binary() -> None:
    assert sniff(b"\x00" * 512) == "binary"
