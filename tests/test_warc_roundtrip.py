"""WARC out and back in: `scraper crawl --warc` on the fixture site, then `scraper import`
into a fresh store gives the same documents, byte for byte the same raw bodies and the
same encodings; a second crawl writes revisit records for its 304s into a new file;
a writer killed mid-run leaves a file readable up to its last complete record."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from scraper.cli import main
from scraper.models import Fetched
from scraper.warc import iter_archive
from scraper.warc.records import WarcPage
from scraper.warc.writer import OPEN_SUFFIX, WarcWriter, recover_directory

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "fixtures" / "site"))
import serve  # noqa: E402  (fixtures/site/serve.py)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """The fixture site crawled twice with --warc (the second run: all 304s), then imported."""
    home = tmp_path_factory.mktemp("roundtrip")
    server = serve.start(0)
    try:
        (home / "sites.toml").write_text(
            f'[crawl]\ndelay = 0\nrevisit_lists = "0s"\nrevisit_articles = "0s"\nwarc_dir = "{home / "warc"}"\n\n'
            f'[[sites]]\nname = "fixtures"\nseeds = ["{server.origin}/"]\n', encoding="utf-8")
        runs = []
        for _ in range(2):
            runs.append(CliRunner().invoke(main, ["crawl", str(home / "sites.toml"), "--db", str(home / "crawl.db"),
                                                  "--workers", "0", "--quiet"]))
            if len(runs) == 1:  # the store as the first run left it, the run its first WARC file holds
                with sqlite3.connect(home / "crawl.db") as src, sqlite3.connect(home / "first.db") as dst:
                    src.backup(dst)
    finally:
        server.shutdown()
    files = sorted((home / "warc").iterdir())
    imported = CliRunner().invoke(main, ["import", *map(str, files[:1]), "--db", str(home / "import.db"),
                                         "--workers", "2"])
    return home, runs, files, imported


def pages(db: Path) -> dict:
    conn = sqlite3.connect(db)
    try:
        return {row[0]: row[1:] for row in conn.execute(
            "SELECT p.url, p.status, p.kind, p.encoding, p.body_hash, p.fetched_at, d.title, d.text, d.date, "
            "d.source, d.encoding, d.duplicate_of, d.near_duplicate_of FROM pages p LEFT JOIN documents d USING (url) "
            "WHERE p.error IS NULL AND p.body IS NOT NULL")}
    finally:
        conn.close()


def test_the_import_of_the_crawls_warc_is_the_crawl(crawled):
    home, runs, files, imported = crawled
    assert runs[0].exit_code == 1 and runs[1].exit_code == 1, runs[0].output  # the site's three broken links
    assert imported.exit_code == 0, imported.output
    crawl, back = pages(home / "first.db"), pages(home / "import.db")
    assert back == crawl  # documents, kinds, raw body hashes, fetch times, duplicates
    assert len([v for v in crawl.values() if v[5] is not None]) >= 40
    encodings = {v[2] for v in back.values()}
    assert {"gb18030", "utf-8"} <= encodings and any(e.startswith("big5") for e in encodings)
    conn, again = sqlite3.connect(home / "first.db"), sqlite3.connect(home / "import.db")
    bodies = dict(conn.execute("SELECT url, body FROM pages WHERE body IS NOT NULL"))
    assert dict(again.execute("SELECT url, body FROM pages WHERE body IS NOT NULL")) == bodies  # same compressed bytes
    assert again.execute("SELECT kind, status FROM runs").fetchall() == [("import", "ok")]


def test_the_warc_holds_requests_responses_and_payload_types(crawled):
    from warcio.archiveiterator import ArchiveIterator

    _, _, files, _ = crawled
    first, second = files
    assert first.name.endswith("-run1-00000.warc.gz") and second.name.endswith("-run2-00000.warc.gz")
    kinds, types = {}, {}
    with open(first, "rb") as fh:
        for record in ArchiveIterator(fh):
            kinds[record.rec_type] = kinds.get(record.rec_type, 0) + 1
            if record.rec_type == "response":
                types[record.rec_headers.get_header("WARC-Target-URI")] = \
                    record.rec_headers.get_header("WARC-Identified-Payload-Type")
            assert record.rec_headers.protocol == "WARC/1.1"
    assert kinds["warcinfo"] == 1 and kinds["request"] == kinds["response"] >= 50
    assert types[next(u for u in types if u.endswith("/robots.txt"))] == "text/plain"
    assert "text/html" in types.values() and "application/xml" in types.values()


def test_the_second_run_writes_revisits_for_its_304s_in_a_new_file(crawled):
    _, _, files, _ = crawled
    reasons = [i.reason for i in iter_archive(files[1]) if not isinstance(i, WarcPage)]
    assert reasons.count("revisit") >= 40  # every unchanged page: a revisit, no payload
    assert not [i for i in iter_archive(files[1]) if isinstance(i, WarcPage) and i.fetched.status == 304]


def _fetched(n: int) -> Fetched:
    noise = random.Random(n).randbytes(3000).hex()  # does not compress away: the files fill up
    body = f"<html><body><p>page {n} {noise}</p></body></html>"
    return Fetched(url=f"http://www.example.gov.cn/{n}.html", body=body.encode(), status=200,
                   headers={"content-type": "text/html"}, fetched_at="2024-05-19T08:00:00Z")


def test_files_rotate_by_size_and_are_named_by_run_and_sequence(tmp_path):
    with WarcWriter(tmp_path, 7, max_bytes=3000) as writer:
        for n in range(6):
            writer.record(f"http://www.example.gov.cn/{n}.html", {"User-Agent": "t"}, _fetched(n))
    names = sorted(p.name for p in tmp_path.iterdir())
    assert len(names) >= 3 and all("-run7-" in n and n.endswith(".warc.gz") for n in names)
    assert [n.rsplit("-", 1)[1] for n in names] == [f"{i:05d}.warc.gz" for i in range(len(names))]
    urls = [i.fetched.url for p in sorted(tmp_path.iterdir()) for i in iter_archive(p) if isinstance(i, WarcPage)]
    assert urls == [f"http://www.example.gov.cn/{n}.html" for n in range(6)]


WRITER = """
import sys
from scraper.models import Fetched
from scraper.warc.writer import WarcWriter
writer = WarcWriter(sys.argv[1], 3)
n = 0
while True:
    body = b"<html><body><p>" + b"y" * 20000 + b"</p></body></html>"
    writer.record(f"http://www.example.gov.cn/{n}.html", {}, Fetched(url="u", body=body, status=200,
                  headers={"content-type": "text/html"}))
    n += 1
    if n == 20:
        print("ready", flush=True)
"""


def test_a_killed_writer_leaves_a_file_readable_to_its_last_record_and_the_next_starts_anew(tmp_path):
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        os.kill(proc.pid, signal.SIGKILL)  # mid-run, likely mid-record
    finally:
        proc.wait(timeout=30)
    (left,) = tmp_path.iterdir()
    assert left.name.endswith(".warc.gz" + OPEN_SUFFIX)
    read = [i for i in iter_archive(left) if isinstance(i, WarcPage)]
    assert len(read) >= 20
    with open(left, "ab") as fh:  # as if the kill had come in the middle of a record
        fh.write(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03half a record")
    writer = WarcWriter(tmp_path, 4)  # the next run: finishes the old file, starts its own
    writer.record("http://www.example.gov.cn/next.html", {}, _fetched(1))
    writer.close()
    names = sorted(p.name for p in tmp_path.iterdir())
    assert len(names) == 2 and not any(n.endswith(OPEN_SUFFIX) for n in names)
    old = tmp_path / left.name.removesuffix(OPEN_SUFFIX)
    items = list(iter_archive(old))
    assert all(isinstance(i, WarcPage) or i.reason == "not_response" for i in items)  # nothing cut, nothing damaged
    assert len([i for i in items if isinstance(i, WarcPage)]) >= len(read)
    assert recover_directory(tmp_path) == []
