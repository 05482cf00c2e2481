"""Servers that break HTTP: each failure is named for what it is (protocol, truncated),
never `connect` or `internal`, and asked once, not three times. Sort orders of one list
page are one frontier URL."""

from __future__ import annotations

import socket
import struct

import pytest
from crawlkit import article, config, crawl, list_page, rows
from httpserv import RawServer, page

from scraper.crawl.urls import normalize_url
from scraper.store import Store


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "s.db") as s:
        yield s


def _huge_headers(req, sock):
    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Junk: " + b"a" * 200_000 + b"\r\n\r\n<p>x</p>")


def _bad_chunking(req, sock):
    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n"
                 b"zz\r\n<p>x</p>\r\n0\r\n\r\n")


def _reset_mid_body(req, sock):
    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n" + b"<p>" * 300)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close = RST
    sock.close()


def _cut_short(req, sock):
    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5000\r\nConnection: close\r\n\r\n"
                 + (b"<html><body><p>" + "正文".encode() * 300)[:1000])
    sock.shutdown(socket.SHUT_RDWR)


def _garbled_status(req, sock):
    sock.sendall(b"HTTP/1.1 OK FINE THANKS\r\n\r\n")


BROKEN = {"/huge.html": _huge_headers, "/chunks.html": _bad_chunking, "/reset.html": _reset_mid_body,
          "/short.html": _cut_short, "/garbled.html": _garbled_status}


def test_protocol_errors_are_named_and_asked_once(store):
    with RawServer() as srv:
        srv.route("/", page(list_page([*BROKEN, "/art_1_1.html"])))
        srv.route("/art_1_1.html", page(article(1)))
        for path, handler in BROKEN.items():
            srv.route(path, handler)
        summary = crawl(config(srv.url("/")), store)
        hits = {path: srv.hits(path) for path in BROKEN}
    assert hits == dict.fromkeys(BROKEN, 1)  # not retried
    assert summary.failed_by_reason == {"protocol": 3, "truncated": 2}
    errors = dict(rows(store, "SELECT url, error FROM pages WHERE error IS NOT NULL"))
    assert "response headers too large" in errors[srv.url("/huge.html")]
    assert "illegal chunk header" in errors[srv.url("/chunks.html")]
    assert "illegal status line" in errors[srv.url("/garbled.html")]
    assert "connection reset after" in errors[srv.url("/reset.html")]
    assert "closed the connection after 1000 bytes of the 5000 announced" in errors[srv.url("/short.html")]
    assert all(e.startswith(("protocol: HTTP protocol error", "truncated: body cut short")) for e in errors.values())
    assert store.get(srv.url("/art_1_1.html")).document is not None


def test_sort_orders_of_a_list_page_are_one_frontier_url(store):
    variants = ["/list.jsp?sort=date", "/list.jsp?sort=title&order=desc", "/list.jsp?orderby=hits",
                "/list.jsp?sortField=time&sortOrder=asc", "/list.jsp"]
    with RawServer() as srv:
        srv.route("/", page(list_page(variants)))
        srv.route("/list.jsp", page(list_page(["/art_1_1.html"])))
        srv.route("/art_1_1.html", page(article(1)))
        summary = crawl(config(srv.url("/")), store)
        assert srv.hits("/list.jsp") == 1
    assert summary.ok
    assert rows(store, "SELECT url FROM frontier WHERE url LIKE '%list.jsp%'") == [(srv.url("/list.jsp"),)]


@pytest.mark.parametrize("url,key", [
    ("http://x.cn/list.jsp?page=2&sort=date", "http://x.cn/list.jsp?page=2"),
    ("http://x.cn/l?orderby=t&order=desc&id=3", "http://x.cn/l?id=3"),
    ("http://x.cn/l?sort_by=date&dir=asc", "http://x.cn/l"),
    ("http://x.cn/show.asp?order=123", "http://x.cn/show.asp?order=123"),  # an id, not a direction
])
def test_normalize_drops_sort_parameters(url, key):
    assert normalize_url(url) == key
