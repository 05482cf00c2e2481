"""scraper.sources.http over real HTTP on loopback: limits, decoding, redirects, errors."""

from __future__ import annotations

import asyncio
import gzip
import re
import time
import tracemalloc
import zlib

import brotli
import httpx
import pytest
import zstandard
from httpserv import RawServer, closed_port, send_chunks, send_response

from scraper.sources.decompress import make_decoder
from scraper.errors import (
    ConnectError,
    ContentEncodingError,
    FetchTimeoutError,
    HTTPStatusError,
    InvalidURLError,
    RedirectError,
    ResponseTooLargeError,
    TooManyRedirectsError,
    TruncatedBodyError,
)
from scraper.sources.http import FetchLimits, fetch_url, fetch_url_async, human_bytes

MB = 1024 * 1024
FAST = FetchLimits(connect_timeout=2, read_timeout=2, total_timeout=5, max_wire_bytes=2 * MB,
                   max_body_bytes=2 * MB, max_redirects=5)
PAGE = "<html><head><title>t</title></head><body><p>通渭县强化政治保证</p></body></html>".encode("gbk")


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data)


def _deflate_zlib(data: bytes) -> bytes:
    return zlib.compress(data)


def _deflate_raw(data: bytes) -> bytes:
    c = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return c.compress(data) + c.flush()


def _bomb(encoding: str, size: int = 50 * MB) -> bytes:
    zeros = b"\0" * size
    if encoding == "gzip":
        c = zlib.compressobj(9, zlib.DEFLATED, 31)
        return c.compress(zeros) + c.flush()
    if encoding == "br":
        return brotli.compress(zeros, quality=1)
    return zstandard.ZstdCompressor(level=1).compress(zeros)


# --- plain answers and headers --------------------------------------------------------


def test_plain_page_facts(httpserver):
    httpserver.expect_request("/a.html").respond_with_data(
        PAGE, headers={"Content-Type": "text/html; charset=gbk", "ETag": '"v1"', "X-Custom": "Yes"})
    url = httpserver.url_for("/a.html")
    fetched = fetch_url(url, limits=FAST)
    assert fetched.status == 200
    assert fetched.body == PAGE
    assert fetched.url == url and fetched.final_url == url
    assert fetched.etag == '"v1"' and fetched.headers["x-custom"] == "Yes"
    assert all(name == name.lower() for name in fetched.headers)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", fetched.fetched_at)
    sent = httpserver.log[0][0].headers
    assert sent["User-Agent"].startswith("scraper/")
    assert "gzip" in sent["Accept-Encoding"] and "br" in sent["Accept-Encoding"]


@pytest.mark.parametrize("content_type", [
    "text/html; charset=GB2312",
    'text/html;charset="gbk"',
    "TEXT/HTML; Charset=Big5",
    "text/html; charset=utf-8; foo=bar",
    "text/html",
    "application/octet-stream",
])
def test_charset_header_variants_pass_through_untouched(content_type):
    def handler(req, sock):
        send_response(sock, 200, {"Content-Type": content_type}, PAGE)

    with RawServer() as srv:
        srv.route("/p", handler)
        fetched = fetch_url(srv.url("/p"), limits=FAST)
    assert fetched.content_type == content_type
    assert fetched.body == PAGE  # bytes as served: decoding is charset.py's job


def test_no_content_type_header():
    with RawServer() as srv:
        srv.route("/p", lambda req, sock: send_response(sock, 200, {}, PAGE))
        fetched = fetch_url(srv.url("/p"), limits=FAST)
    assert fetched.content_type is None and fetched.body == PAGE


# --- compressed bodies ------------------------------------------------------------------


@pytest.mark.parametrize("encoding,compress", [
    ("gzip", _gzip),
    ("x-gzip", _gzip),
    ("deflate", _deflate_zlib),
    ("deflate", _deflate_raw),
    ("br", brotli.compress),
    ("zstd", lambda d: zstandard.ZstdCompressor().compress(d)),
    ("gzip, br", lambda d: brotli.compress(gzip.compress(d))),
    ("identity", lambda d: d),
])
def test_compressed_bodies_are_decoded(encoding, compress):
    body = PAGE * 500
    with RawServer() as srv:
        srv.route("/c", lambda req, sock: send_response(
            sock, 200, {"Content-Type": "text/html", "Content-Encoding": encoding}, compress(body)))
        fetched = fetch_url(srv.url("/c"), limits=FAST)
    assert fetched.body == body
    assert fetched.headers["content-encoding"] == encoding  # recorded as sent


def test_chunked_gzip_body_is_decoded(httpserver):
    body = ("<p>" + "长文本" * 20000 + "</p>").encode()
    httpserver.expect_request("/g").respond_with_data(
        gzip.compress(body), headers={"Content-Encoding": "gzip", "Content-Type": "text/html; charset=utf-8"})
    assert fetch_url(httpserver.url_for("/g"), limits=FAST).body == body


@pytest.mark.parametrize("encoding", ["gzip", "br", "zstd"])
def test_decompression_bomb_stops_at_limit_without_inflating(encoding):
    bomb = _bomb(encoding)
    limits = FetchLimits(total_timeout=10, max_wire_bytes=2 * MB, max_body_bytes=1 * MB)
    with RawServer() as srv:
        srv.route("/bomb", lambda req, sock: send_response(
            sock, 200, {"Content-Type": "text/html", "Content-Encoding": encoding}, bomb))
        tracemalloc.start()
        try:
            with pytest.raises(ResponseTooLargeError) as info:
                fetch_url(srv.url("/bomb"), limits=limits)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert str(info.value) == "response too large: more than 1 MB after decompression"
    assert info.value.url == srv.url("/bomb")
    assert peak < 12 * MB, f"peak {peak / MB:.1f} MB: the bomb was inflated"


def test_corrupt_and_unknown_encodings():
    with RawServer() as srv:
        srv.route("/bad", lambda req, sock: send_response(
            sock, 200, {"Content-Encoding": "gzip"}, b"this is not gzip at all"))
        srv.route("/unknown", lambda req, sock: send_response(sock, 200, {"Content-Encoding": "compress"}, b"x"))
        with pytest.raises(ContentEncodingError, match="not valid gzip"):
            fetch_url(srv.url("/bad"), limits=FAST)
        with pytest.raises(ContentEncodingError, match="unsupported content-encoding 'compress'"):
            fetch_url(srv.url("/unknown"), limits=FAST)


def test_truncated_gzip_keeps_what_arrived():
    body = b"<p>" + b"x" * 100_000 + b"</p>"
    packed = gzip.compress(body)[:-20]
    with RawServer() as srv:
        srv.route("/t", lambda req, sock: send_response(sock, 200, {"Content-Encoding": "gzip"}, packed,
                                                        content_length=False))
        fetched = fetch_url(srv.url("/t"), limits=FAST)
    assert body.startswith(fetched.body) and len(fetched.body) > 90_000


def test_decoder_hands_out_bounded_pieces():
    pieces = []
    decoder = make_decoder("gzip")
    decoder.feed(_bomb("gzip", 4 * MB), pieces.append)
    assert sum(map(len, pieces)) == 4 * MB and max(map(len, pieces)) <= 64 * 1024


# --- size and time ----------------------------------------------------------------------


def test_50mb_body_stops_at_the_limit():
    sent = []
    chunk = b"a" * 65536

    def handler(req, sock):
        sent.append(send_chunks(sock, 200, {"Content-Type": "text/html"}, (chunk for _ in range(800))))

    with RawServer() as srv:
        srv.route("/big", handler)
        with pytest.raises(ResponseTooLargeError) as info:
            fetch_url(srv.url("/big"), limits=FAST)
        for _ in range(100):
            if sent:
                break
            time.sleep(0.05)
    assert str(info.value) == "response too large: more than 2 MB"
    assert sent and sent[0] < 50 * MB  # the client hung up early


def test_declared_content_length_too_large_is_refused_before_reading():
    def handler(req, sock):
        send_chunks(sock, 200, {"Content-Length": str(50 * MB)}, (b"a" * 65536 for _ in range(800)))

    with RawServer() as srv:
        srv.route("/big", handler)
        with pytest.raises(ResponseTooLargeError, match="Content-Length is 50 MB, more than the 2 MB limit"):
            fetch_url(srv.url("/big"), limits=FAST)


def test_slow_drip_body_hits_the_total_deadline():
    limits = FetchLimits(read_timeout=5, total_timeout=1.0)

    def handler(req, sock):
        send_chunks(sock, 200, {"Content-Type": "text/html"}, (b"x" for _ in range(60)), pause=0.25)

    with RawServer() as srv:
        srv.route("/drip", handler)
        # the total deadline's own message: not the read timeout (a byte comes every
        # 0.25 s), and not a body that completed (that would raise nothing)
        with pytest.raises(FetchTimeoutError, match="no complete response within 1 s"):
            fetch_url(srv.url("/drip"), limits=limits)


def test_slow_drip_headers_hit_the_total_deadline():
    limits = FetchLimits(read_timeout=5, total_timeout=1.0)

    def handler(req, sock):
        try:
            for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"y" * 60:
                sock.sendall(bytes([byte]))
                time.sleep(0.25)
        except OSError:
            pass

    with RawServer() as srv:
        srv.route("/drip", handler)
        with pytest.raises(FetchTimeoutError):
            fetch_url(srv.url("/drip"), limits=limits)


def test_server_stalling_mid_body_hits_the_read_timeout():
    limits = FetchLimits(read_timeout=0.3, total_timeout=5)

    def handler(req, sock):
        send_response(sock, 200, {"Content-Length": "1000"}, b"x" * 500)
        time.sleep(3)

    with RawServer() as srv:
        srv.route("/stall", handler)
        with pytest.raises(FetchTimeoutError, match="server sent nothing for 0.3 s"):
            fetch_url(srv.url("/stall"), limits=limits)


def test_connection_closed_mid_body_is_a_truncated_body_not_a_connect_error():
    def handler(req, sock):
        send_response(sock, 200, {"Content-Length": "1000"}, b"x" * 500)

    with RawServer() as srv:
        srv.route("/cut", handler)
        with pytest.raises(TruncatedBodyError, match="after 500 bytes of the 1000 announced") as caught:
            fetch_url(srv.url("/cut"), limits=FAST)
        assert not isinstance(caught.value, ConnectError)


def test_refused_connection():
    with pytest.raises(ConnectError, match="cannot connect"):
        fetch_url(f"http://127.0.0.1:{closed_port()}/", limits=FAST)


@pytest.mark.parametrize("url", ["ftp://example.com/a", "file:///etc/passwd", "javascript:alert(1)", "http://"])
def test_invalid_urls(url):
    with pytest.raises(InvalidURLError):
        fetch_url(url, limits=FAST)


def test_http_error_status(httpserver):
    httpserver.expect_request("/missing").respond_with_data("nope", status=404)
    with pytest.raises(HTTPStatusError, match="HTTP 404 Not Found") as info:
        fetch_url(httpserver.url_for("/missing"), limits=FAST)
    assert info.value.status == 404 and info.value.url == httpserver.url_for("/missing")


# --- redirects --------------------------------------------------------------------------


def _redirect(to: str, status: int = 302):
    return lambda req, sock: send_response(sock, status, {"Location": to})


def test_redirect_chain_is_followed_and_recorded():
    with RawServer() as srv:
        srv.route("/a", _redirect("/b", 301))
        srv.route("/b", _redirect(srv.url("/c"), 307))
        srv.route("/c", lambda req, sock: send_response(sock, 200, {}, b"final"))
        fetched = fetch_url(srv.url("/a"), limits=FAST)
    assert fetched.body == b"final"
    assert fetched.url == srv.url("/a") and fetched.final_url == srv.url("/c")
    assert [r.path for r in srv.requests] == ["/a", "/b", "/c"]


def test_redirect_loop_is_named():
    with RawServer() as srv:
        srv.route("/a", _redirect("/b"))
        srv.route("/b", _redirect("/a"))
        with pytest.raises(RedirectError) as info:
            fetch_url(srv.url("/a"), limits=FAST)
    a, b = srv.url("/a"), srv.url("/b")
    assert str(info.value) == f"redirect loop: {a} -> {b} -> {a}"
    assert len(srv.requests) == 2


def test_too_many_redirects():
    with RawServer() as srv:
        for i in range(10):
            srv.route(f"/r{i}", _redirect(f"/r{i + 1}"))
        with pytest.raises(TooManyRedirectsError, match=r"too many redirects: more than 5 \("):
            fetch_url(srv.url("/r0"), limits=FAST)
    assert len(srv.requests) == 6


@pytest.mark.parametrize("location,message", [
    ("ftp://example.com/x", "redirect to unsupported scheme 'ftp'"),
    ("javascript:alert(1)", "redirect to an invalid URL"),
    ("mailto:a@b.cn", "redirect to an invalid URL"),
    ("file:///etc/passwd", "redirect to unsupported scheme 'file'"),
    ("", "redirect without a Location header"),
])
def test_bad_redirects(location, message):
    with RawServer() as srv:
        srv.route("/a", lambda req, sock: send_response(sock, 302, {"Location": location} if location else {}))
        with pytest.raises(RedirectError, match=re.escape(message)):
            fetch_url(srv.url("/a"), limits=FAST)


# --- injection and loops ----------------------------------------------------------------


def test_injected_client_with_mock_transport():
    def app(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/old":
            return httpx.Response(301, headers={"Location": "/new"})
        return httpx.Response(200, content=gzip.compress(b"mocked"), headers={"Content-Encoding": "gzip"})

    client = httpx.AsyncClient(transport=httpx.MockTransport(app))
    fetched = fetch_url("http://mock.test/old", client=client)
    assert fetched.body == b"mocked" and fetched.final_url == "http://mock.test/new"


def test_fetch_url_works_inside_a_running_loop(httpserver):
    httpserver.expect_request("/x").respond_with_data("ok")

    async def main():
        sync = fetch_url(httpserver.url_for("/x"), limits=FAST)
        native = await fetch_url_async(httpserver.url_for("/x"), limits=FAST)
        return sync.body, native.body

    assert asyncio.run(main()) == (b"ok", b"ok")


def test_human_bytes():
    assert human_bytes(20 * MB) == "20 MB"
    assert human_bytes(1536) == "1.5 KB"
    assert human_bytes(100) == "100 bytes"


def test_limits_reject_nonsense():
    with pytest.raises(ValueError):
        FetchLimits(total_timeout=0)
