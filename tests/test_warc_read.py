"""Web archives made by other tools (written here by hand with warcio, as wget and
Browsertrix write them): each kind of record has one clear outcome, none crashes.
`scraper clean FILE.warc.gz` and `scraper import` read them."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_fixtures import normalise_lines
from warcs import Archive, arc_file, fixture

from scraper.cli import main
from scraper.store import Store
from scraper.warc import import_archives, iter_archive
from scraper.warc.records import Skipped, WarcPage

GBK, BIG5, UTF8 = "gov-city-gbk-trs", "news-tw-big5-gov", "gov-dept-utf8-hanweb"


def outcomes(path: Path) -> list[tuple[str, str | None]]:
    """(outcome, url) of every record but the WARC's own bookkeeping."""
    out = []
    for item in iter_archive(path):
        if isinstance(item, WarcPage):
            out.append(("page", item.fetched.url))
        elif item.reason != "not_response":
            out.append((item.reason, item.url))
    return out


@pytest.fixture
def wget_like(tmp_path) -> Path:
    """Every case in one file, the last record cut short as by a killed writer."""
    warc = Archive(tmp_path / "mixed.warc.gz")
    gbk, _ = fixture(GBK)
    big5, _ = fixture(BIG5)
    utf8, _ = fixture(UTF8)
    warc.request("http://www.example.gov.cn/gbk.html")
    warc.page("http://www.example.gov.cn/gbk.html", gbk, "text/html; charset=gbk", payload_type="text/html")
    warc.chunked_gzip("http://www.example.tw/big5.html", big5, "text/html; charset=big5")  # no payload type
    warc.page("http://www.example.gov.cn/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(200), "image/png")
    warc.page("http://www.example.gov.cn/app.js", b"var a = 1;\nfunction f() { return a; }\n",
              "application/javascript")
    warc.page("http://www.example.gov.cn/labelled-js.html", utf8, "application/javascript")  # libmagic's mistake
    warc.revisit("http://www.example.gov.cn/gbk.html")
    warc.response("http://www.example.gov.cn/gone.html", b"not here", [("Content-Type", "text/html")],
                  status="404 Not Found")
    warc.metadata("http://www.example.gov.cn/gbk.html")
    warc.page("http://www.example.gov.cn/cut.html", utf8, "text/html; charset=utf-8")
    return warc.close(cut=300)


def test_each_record_of_another_tool_has_one_clear_outcome(wget_like):
    assert outcomes(wget_like) == [
        ("page", "http://www.example.gov.cn/gbk.html"),
        ("page", "http://www.example.tw/big5.html"),          # chunked + gzip undone, no payload type needed
        ("not_html", "http://www.example.gov.cn/logo.png"),
        ("not_html", "http://www.example.gov.cn/app.js"),
        ("page", "http://www.example.gov.cn/labelled-js.html"),  # our sniffing: it is HTML whatever its label
        ("revisit", "http://www.example.gov.cn/gbk.html"),
        ("http_404", "http://www.example.gov.cn/gone.html"),
        ("truncated", "http://www.example.gov.cn/cut.html"),
    ]


def test_pages_keep_target_uri_date_and_http_charset(wget_like):
    pages = {i.fetched.url: i.fetched for i in iter_archive(wget_like) if isinstance(i, WarcPage)}
    big5 = pages["http://www.example.tw/big5.html"]
    assert big5.body == fixture(BIG5)[0]  # byte for byte, after the transfer codings
    assert big5.fetched_at == "2024-05-19T08:00:00Z"
    assert big5.content_type == "text/html; charset=big5"


def test_import_stores_pages_like_a_crawl_with_a_run_row(wget_like, tmp_path):
    with Store.open(tmp_path / "s.db") as store:
        summary = import_archives([wget_like], store, workers=0)
        gbk = store.get("http://www.example.gov.cn/gbk.html")
        big5 = store.get("http://www.example.tw/big5.html")
        run = store.runs(1)[0]
    assert summary.status == "ok" and run.kind == "import" and run.new == 3
    assert summary.skipped_by_reason == {"not_html": 2, "revisit": 1, "http_404": 1, "truncated": 1}
    assert gbk.page.body == fixture(GBK)[0] and gbk.page.fetched_at == "2024-05-19T08:00:00Z"
    assert gbk.document.encoding == "gb18030" and big5.document.encoding.startswith("big5")
    assert normalise_lines(gbk.document.text) == normalise_lines(fixture(GBK)[1]["text"])
    assert normalise_lines(big5.document.text) == normalise_lines(fixture(BIG5)[1]["text"])


def test_an_http_charset_wins_over_a_wrong_guess(tmp_path):
    """A GBK page with no <meta> charset: only the HTTP header can say what it is."""
    text = "<html><head><title>通知</title></head><body><div><p>" + "县人民政府关于做好疫情防控工作的通知。" * 20 + \
           "</p></div></body></html>"
    warc = Archive(tmp_path / "nometa.warc")  # plain, not gzip
    warc.page("http://www.example.gov.cn/n.html", text.encode("gbk"), "text/html; charset=gbk")
    path = warc.close()
    with Store.open(tmp_path / "s.db") as store:
        import_archives([path], store, workers=0)
        entry = store.get("http://www.example.gov.cn/n.html")
    assert entry.document.encoding_source == "header" and "疫情防控" in entry.document.text


def test_arc_files_plain_and_gzip(tmp_path):
    body, expected = fixture(BIG5)
    for compress in (False, True):
        path = arc_file(tmp_path / f"old.arc{'.gz' if compress else ''}",
                        [("http://www.example.tw/a.html", "text/html; charset=big5", body),
                         ("http://www.example.tw/b.png", "image/png", b"\x89PNG\r\n\x1a\n" + bytes(64))],
                        compress=compress)
        assert outcomes(path) == [("page", "http://www.example.tw/a.html"), ("not_html", "http://www.example.tw/b.png")]
        page = next(i for i in iter_archive(path) if isinstance(i, WarcPage))
        assert page.fetched.body == body and page.fetched.fetched_at == "2024-05-19T08:00:00Z"


def test_a_file_that_is_not_an_archive_is_one_unreadable_outcome(tmp_path):
    junk = tmp_path / "junk.warc.gz"
    junk.write_bytes(b"\x1f\x8b\x08\x00garbage that is not gzip at all" * 10)
    (only,) = list(iter_archive(junk))
    assert isinstance(only, Skipped) and only.reason == "unreadable"
    assert only.message.startswith("not a WARC or ARC file: damaged gzip data (Error -3")
    text = tmp_path / "notes.warc"
    text.write_bytes(b"hello, these are notes\n")
    assert [i.message for i in iter_archive(text)] == ["not a WARC or ARC file: it starts with hello, these are"]
    empty = tmp_path / "empty.warc"
    empty.write_bytes(b"")
    assert [i.message for i in iter_archive(empty)] == ["not a WARC or ARC file: the file is empty"]


def test_scraper_clean_reads_an_archive_page_by_page(wget_like):
    result = CliRunner().invoke(main, ["clean", str(wget_like), "--format", "json"])
    assert result.exit_code == 0, result.output
    docs = [json.loads(line) for line in result.stdout.splitlines()]
    assert [d["url"] for d in docs] == ["http://www.example.gov.cn/gbk.html", "http://www.example.tw/big5.html",
                                        "http://www.example.gov.cn/labelled-js.html"]
    assert docs[0]["encoding"] == "gb18030" and docs[0]["title"] == fixture(GBK)[1]["title"]
    assert "3 HTML pages; records skipped: 1 http_404, 2 not_html, 1 revisit, 1 truncated" in result.stderr
    assert "record cut short" in result.stderr


def test_scraper_import_command(wget_like, tmp_path):
    db = tmp_path / "cli.db"
    result = CliRunner().invoke(main, ["import", str(wget_like), "--db", str(db), "--workers", "0"])
    assert result.exit_code == 0, result.output
    assert "3 new" in result.stderr and "1 truncated" in result.stderr
    again = CliRunner().invoke(main, ["import", str(wget_like), "--db", str(db), "--workers", "0"])
    assert again.exit_code == 0 and "3 not_newer" in again.stderr  # the same fetches: nothing rewritten
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM changes").fetchone() == (3,)
    missing = CliRunner().invoke(main, ["import", str(tmp_path / "none.warc.gz"), "--db", str(db)])
    assert missing.exit_code == 1 and "no such file" in missing.stderr and "Traceback" not in missing.output
