"""Saving: outcomes, change log, failures that keep good data, runs, batches, reading back."""

from __future__ import annotations

import csv
import io
import json
import tracemalloc
from dataclasses import replace

import pytest

from scraper.errors import StoreError
from scraper.models import Document, PageRecord
from scraper.store import Store, latest_version
from store_corpus import FETCHED_AT, documents, fill, page_for

DOC = documents()[2]  # 通渭县 notice


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "store" / "scraper.db") as s:
        yield s


def test_open_creates_the_directory_and_uses_wal(tmp_path):
    with Store.open(tmp_path / "a" / "b" / "x.db") as s:
        assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert s.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert s.conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_open_without_create_refuses_a_missing_store(tmp_path):
    with pytest.raises(StoreError, match="no store at"):
        Store.open(tmp_path / "missing.db", create=False)


def test_new_unchanged_changed(store):
    r1 = store.save(page_for(DOC), DOC)
    assert (r1.outcome, r1.site, r1.text_hash) == ("new", "www.tongwei.gov.cn", DOC.text_hash)
    r2 = store.save(page_for(DOC, "2024-05-20T08:00:00Z"), DOC)
    assert r2.outcome == "unchanged"
    entry = store.get(DOC.url)
    assert (entry.first_seen, entry.last_seen, entry.last_changed) == (
        FETCHED_AT, "2024-05-20T08:00:00Z", FETCHED_AT)
    edited = replace(DOC, text=DOC.text + "\n（完）")
    r3 = store.save(page_for(edited, "2024-05-21T08:00:00+08:00"), edited)
    assert (r3.outcome, r3.previous_hash) == ("changed", DOC.text_hash)
    entry = store.get(DOC.url)
    assert entry.last_changed == "2024-05-21T00:00:00Z"  # stored in UTC
    assert entry.document.text.endswith("（完）")
    changes = store.changes()
    assert [(c.kind, c.old_hash, c.new_hash) for c in changes] == [
        ("new", None, DOC.text_hash), ("changed", DOC.text_hash, edited.text_hash)]
    assert changes[1].new_length == changes[1].old_length + 4
    assert [c.url for c in store.changes("2024-05-20")] == [DOC.url]
    assert store.changes("2024-05-22") == []


def test_unchanged_text_does_not_touch_the_document_fields(store):
    store.save(page_for(DOC), DOC)
    store.save(page_for(DOC), replace(DOC, title="另一个标题"))
    assert store.get(DOC.url).document.title == DOC.title


def test_round_trip_of_every_field_and_the_raw_body(store):
    page = page_for(DOC, etag='"abc"', last_modified="Wed, 05 Feb 2020 08:00:00 GMT", kind="article")
    store.save(page, DOC, extractor_version="1.2.3")
    entry = store.get(DOC.url)
    assert entry.document == DOC
    assert entry.page.body == page.body
    assert replace(entry.page, body=None) == replace(page, body=None)
    assert entry.extractor_version == "1.2.3"
    assert store.get(DOC.url, body=False).page.body is None
    assert store.get("http://nowhere.example/") is None
    stored = store.conn.execute("SELECT body_codec, length(body), body_size FROM pages").fetchone()
    assert stored[0] == "zstd" and stored[1] < stored[2]


def test_failed_fetch_never_destroys_a_good_document_or_its_body(store):
    run = store.start_run("crawl")
    store.save(page_for(DOC), DOC, run_id=run)
    failed = PageRecord(url=DOC.url, status=503, fetched_at="2024-05-20T00:00:00Z",
                        error="HTTPStatusError: 503 Service Unavailable", body=b"<h1>503</h1>")
    result = store.save(failed, run_id=run)
    assert result.outcome == "failed"
    entry = store.get(DOC.url)
    assert entry.document == DOC
    assert entry.page.body == page_for(DOC).body  # the body the document came from
    assert (entry.page.status, entry.page.error) == (503, failed.error)
    assert store.search("阻击战")[0].url == DOC.url
    again = store.save(page_for(DOC, "2024-05-21T00:00:00Z"), DOC, run_id=run)
    assert again.outcome == "unchanged" and store.get(DOC.url).page.error is None
    r = store.run(run)
    assert (r.fetched, r.new, r.unchanged, r.failed) == (3, 1, 1, 1)
    assert r.failed_by_reason == {"HTTPStatusError": 1}


def test_a_page_with_an_error_and_a_document_is_refused(store):
    with pytest.raises(StoreError, match="cannot also carry a document"):
        store.save(replace(page_for(DOC), error="boom"), DOC)


def test_page_without_document_and_not_modified(store):
    listing = PageRecord(url="http://www.gov.cn/xinwen/index.htm", status=200, body=b"<ul>...</ul>", kind="list")
    assert store.save(listing).outcome == "new"
    assert store.save(listing).outcome == "unchanged"
    assert store.save(replace(listing, body=b"<ul>new</ul>")).outcome == "changed"
    store.save(page_for(DOC), DOC)
    not_modified = PageRecord(url=DOC.url, status=304, fetched_at="2024-06-01T00:00:00Z")
    assert store.save(not_modified).outcome == "unchanged"
    entry = store.get(DOC.url)
    assert entry.page.body == page_for(DOC).body and entry.last_seen == "2024-06-01T00:00:00Z"


def test_site_defaults_to_host_and_can_be_named(store):
    assert store.save(page_for(DOC), DOC).site == "www.tongwei.gov.cn"
    other = documents()[3]
    assert store.save(page_for(other), other, site="gansu").site == "gansu"
    local = PageRecord(url="file:///tmp/page.html", body=b"x")
    assert store.save(local).site == "local"


def test_exact_duplicates_point_to_the_first_url(store):
    store.save(page_for(DOC), DOC)
    copy = replace(DOC, url="http://www.dingxi.gov.cn/copy.html")
    result = store.save(page_for(copy), copy)
    assert result.duplicate_of == DOC.url
    assert store.get(copy.url).duplicate_of == DOC.url


def test_batch_commits_all_or_nothing(store):
    docs = documents()
    with pytest.raises(RuntimeError):
        with store.batch():
            store.save(page_for(docs[0]), docs[0])
            store.save(page_for(docs[1]), docs[1])
            raise RuntimeError("crash mid-batch")
    assert store.stats().pages == 0
    assert store.search("乡村振兴") == []
    with store.batch():
        for d in docs[:3]:
            store.save(page_for(d), d)
    assert store.stats().documents == 3


def test_unknown_run_and_bad_input_are_store_errors(store):
    with pytest.raises(StoreError, match="no run with id 99"):
        store.save(page_for(DOC), DOC, run_id=99)
    with pytest.raises(StoreError, match="unknown run kind"):
        store.start_run("nap")
    with pytest.raises(StoreError, match="ISO 8601"):
        store.save(page_for(DOC, fetched_at="yesterday"), DOC)
    with pytest.raises(StoreError, match="non-empty url"):
        store.save(PageRecord(url=""), None)
    assert store.stats().pages == 0


def test_runs_count_what_was_saved(store):
    run = store.start_run("crawl", {"sites": ["www.gov.cn"]})
    fill(store, run_id=run)
    fill(store, run_id=run)
    store.finish_run(run)
    r = store.run(run)
    assert (r.kind, r.status, r.fetched, r.new, r.unchanged, r.changed) == ("crawl", "ok", 28, 14, 14, 0)
    assert r.config == {"sites": ["www.gov.cn"]} and r.finished_at


def test_stats(store):
    fill(store)
    store.save(PageRecord(url="http://www.gov.cn/404.html", status=404, error="HTTPStatusError: 404"))
    s = store.stats()
    assert (s.pages, s.documents, s.errors, s.changes, s.schema_version) == (15, 14, 1, 14, latest_version())
    assert s.sites == len({d.url.split("/")[2] for d in documents()})
    gov = next(x for x in s.by_site if x.site == "www.gov.cn")
    assert (gov.pages, gov.documents, gov.errors) == (3, 2, 1)


def test_export_jsonl_and_csv_with_since(store, tmp_path):
    fill(store)
    buf = io.StringIO()
    assert store.export(buf, format="jsonl") == 14
    rows = [json.loads(line) for line in buf.getvalue().splitlines()]
    assert rows[0]["title"] == documents()[0].title and "\n" in rows[0]["text"]
    out = tmp_path / "docs.csv"
    assert store.export(out, format="csv", site="www.gov.cn") == 2
    with open(out, newline="", encoding="utf-8") as fh:
        parsed = list(csv.DictReader(fh))
    assert parsed[1]["text"] == documents()[1].text
    assert store.export(io.StringIO(), since="2024-05-20") == 0
    with pytest.raises(StoreError, match="unknown export format"):
        store.export(io.StringIO(), format="xml")


def test_export_streams_in_constant_memory(tmp_path):
    with Store.open(tmp_path / "big.db") as s:
        text = "国务院办公厅关于进一步做好政务公开工作的通知。" * 200  # ~4,800 characters
        with s.batch():
            for i in range(1500):
                doc = Document(url=None, title=f"通知{i}", text=f"{i} {text}")
                s.save(PageRecord(url=f"http://www.gov.cn/{i}.html"), doc)

        class Sink(io.TextIOBase):
            def write(self, data):
                return len(data)

        tracemalloc.start()
        n = s.export(Sink(), format="jsonl")
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert n == 1500
    assert peak < 2_000_000  # the texts alone are ~21 MB of UTF-8
