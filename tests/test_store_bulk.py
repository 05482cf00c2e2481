"""Store.bulk_load / save_bulk (import, merge): the same store as saving page by page —
search results, outcomes, duplicates, change log and run counters — and on an error
or a kill mid-load only the chunk in progress is lost."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from scraper.errors import StoreError
from scraper.models import Document, PageRecord
from scraper.store import Store
from scraper.store.fts import CJK_CLASS
from store_corpus import FETCHED_AT, documents, page_for

ROOT = Path(__file__).resolve().parents[1]
# Columns that depend on when the test ran, not on what was saved.
CLOCK_COLUMNS = {"started_at", "finished_at", "applied_at"}


def queries() -> list[str]:
    """Every character and bigram of the corpus titles, plus words and operators."""
    import re

    runs = [r for d in documents() for r in re.findall(f"[{CJK_CLASS}]+", d.title or "")]
    chars = {c for r in runs for c in r}
    bigrams = {r[i : i + 2] for r in runs for i in range(len(r) - 1)}
    return sorted(chars) + sorted(bigrams) + ["vaccine", "COVID疫情", "疫情 -防控", "疫情 OR 春耕", '"乡村振兴"']


def mixed_items() -> list[tuple[PageRecord, Document | None]]:
    """An import as it comes: new documents, exact duplicates (of a stored document and
    of one earlier in the load), a URL twice (the second changed), a list page, a
    failure, and pages already in the store (one unchanged, one changed)."""
    docs = documents()
    dup = replace(docs[3], url="http://mirror.example.cn/copy.html")
    changed = replace(docs[5], text=docs[5].text + "\n（本文有更新）")
    stored_changed = replace(docs[0], text=docs[0].text + "\n附件：通知全文")
    items = [(page_for(d), d) for d in docs[1:8]]
    items += [(page_for(dup), dup), (page_for(changed, fetched_at="2024-05-20T08:00:00Z"), changed)]
    # fetch times given, as a crawl gives them: without one the store writes its clock, and
    # the two stores compared here are written a moment apart
    items.append((PageRecord("http://www.gov.cn/list/", status=200, body=b"<a href=/a>a</a>", kind="list",
                             fetched_at=FETCHED_AT), None))
    items.append((PageRecord("http://www.gov.cn/gone.html", status=404, error="HTTPStatusError: 404",
                             fetched_at=FETCHED_AT), None))
    items += [(page_for(stored_changed, fetched_at="2024-05-21T08:00:00Z"), stored_changed),
              (page_for(docs[9]), docs[9])]
    items += [(page_for(d), d) for d in docs[10:]]
    dup_of_stored = replace(docs[8], url="http://mirror.example.cn/copy2.html")
    items.append((page_for(dup_of_stored), dup_of_stored))
    return items


def seeded(path: Path) -> Store:
    """A store that already holds a few documents before the load."""
    store = Store.open(path)
    docs = documents()
    store.save_many([(page_for(d), d) for d in (docs[0], docs[8], docs[9])])
    return store


def snapshot(store: Store) -> dict[str, list[tuple]]:
    out = {}
    for table in ("pages", "documents", "changes", "runs"):
        cols = [r[1] for r in store.conn.execute(f"PRAGMA table_info({table})") if r[1] not in CLOCK_COLUMNS]
        out[table] = [tuple(r) for r in store.conn.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY rowid")]
    return out


def searches(store: Store) -> dict[str, list[str]]:
    return {q: [h.url for h in store.search(q, limit=100)] for q in queries()}


@pytest.mark.parametrize("chunk, group", [(20_000, 1000), (4, 3), (1, 1)])
def test_bulk_gives_the_store_saving_page_by_page_gives(tmp_path, chunk, group, monkeypatch):
    from scraper.store import bulk

    monkeypatch.setattr(bulk, "GROUP", group)
    items = mixed_items()
    with seeded(tmp_path / "one.db") as one, seeded(tmp_path / "bulk.db") as many:
        run_one, run_bulk = one.start_run("crawl"), many.start_run("crawl")
        by_one = [one.save(page, doc, run_id=run_one, extractor_version="x") for page, doc in items]
        result = many.save_bulk(iter(items), run_id=run_bulk, extractor_version="x", chunk=chunk)
        one.finish_run(run_one)
        many.finish_run(run_bulk)
        assert snapshot(many) == snapshot(one)  # every row: ids, duplicates, change log, counters
        assert searches(many) == searches(one)
        many.conn.execute("INSERT INTO documents_fts(documents_fts) VALUES ('integrity-check')")
    outcomes = [r.outcome for r, (_, doc) in zip(by_one, items) if doc is not None]  # a list page is 'lists' here
    assert (result.new, result.changed, result.unchanged, result.failed, result.lists) == (
        outcomes.count("new"), outcomes.count("changed"), outcomes.count("unchanged"), 1, 1)
    assert result.changed == 2 and result.unchanged == 1 and result.duplicates == 2
    assert result.total == len(items)


def test_duplicates_and_changes_are_recorded_as_usual(tmp_path):
    with seeded(tmp_path / "s.db") as store:
        store.save_bulk(mixed_items())
        dup = store.get("http://mirror.example.cn/copy.html")
        assert dup.duplicate_of == documents()[3].url  # loaded earlier in the same bulk
        assert store.get("http://mirror.example.cn/copy2.html").duplicate_of == documents()[8].url  # stored before
        kinds = store.conn.execute("SELECT kind, count(*) FROM changes GROUP BY kind").fetchall()
        assert dict(kinds) == {"new": len(documents()) + 2, "changed": 2}
        diff = [c for c in store.changes(texts=True) if c.kind == "changed" and c.url == documents()[0].url]
        assert "附件：通知全文" in diff[0].diff()


def test_an_error_mid_load_keeps_the_committed_chunks_and_loses_only_the_open_one(tmp_path, monkeypatch):
    from scraper.store import bulk

    monkeypatch.setattr(bulk, "GROUP", 2)
    docs = documents()

    def items():
        for n, d in enumerate(docs):
            if n == 9:
                raise OSError("the WARC file is truncated")
            yield page_for(d), d

    with seeded(tmp_path / "s.db") as store:
        before = store.stats().documents
        with pytest.raises(OSError, match="truncated"):
            store.save_bulk(items(), chunk=4)
        store.conn.execute("INSERT INTO documents_fts(documents_fts) VALUES ('integrity-check')")
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {r[0] for r in store.conn.execute("SELECT url FROM documents")}
        kept = [d.url in stored for d in docs[:9]]
        assert kept[0] and kept[8]  # stored before the load
        loaded = kept.index(False)  # what the load kept: a whole number of chunks of four, from the start
        assert loaded > 0 and loaded % 4 == 0 and not any(kept[loaded:8])
        assert len(stored) - before == loaded - 1  # docs[0] was there already (unchanged)
        for d in docs[:9]:  # what is stored is searchable, what is not is not found
            assert (d.url in {h.url for h in store.search(d.title, limit=100)}) == (d.url in stored)
        assert store.save_bulk((page_for(d), d) for d in docs).new == len(docs) - len(stored)  # a rerun resumes


def test_a_bad_item_is_refused_with_the_message_save_gives(tmp_path):
    doc = documents()[0]
    with Store.open(tmp_path / "s.db") as store:
        with pytest.raises(StoreError, match="cannot also carry a document"):
            store.save_bulk([(page_for(d), d) for d in documents()[1:3]]
                            + [(PageRecord(doc.url, error="HTTPStatusError: 500"), doc)])
        assert store.stats().documents == 0  # all in one chunk: nothing of it
        with pytest.raises(StoreError, match="no run with id 99"):
            store.save_bulk([(page_for(doc), doc)], run_id=99)


def test_bulk_inside_a_batch_is_part_of_that_transaction(tmp_path):
    with Store.open(tmp_path / "s.db") as store:
        with pytest.raises(RuntimeError):
            with store.batch():
                store.save_bulk([(page_for(d), d) for d in documents()], chunk=2)
                raise RuntimeError("the caller changed its mind")
        assert store.stats().pages == 0 and store.search("疫情") == []


def test_bulk_on_a_store_opened_at_an_older_version_takes_the_per_document_path(tmp_path):
    with Store.open(tmp_path / "s.db", migrate_to=7) as store:
        result = store.save_bulk([(page_for(d), d) for d in documents()])
        assert result.new == len(documents())
        assert store.count("疫情") > 0


WRITER = r"""
import sys, time
from scraper.models import Document, PageRecord
from scraper.store import Store, bulk
bulk.GROUP = 10
para = "为深入贯彻落实党中央国务院关于疫情防控的决策部署，各地要统筹推进经济社会发展，第{}号。"
def items():
    for n in range(1000):
        if n == 176:
            print("inside", flush=True)
            time.sleep(60)
        doc = Document(url=None, title=f"关于第{n}批防控措施的通知", text="\n".join(para.format(n) for _ in range(20)))
        yield PageRecord(url=f"http://www.gov.cn/{n}.html", status=200, body=b"<p>" * 500), doc
with Store.open(sys.argv[1]) as store:
    store.save_bulk(items(), chunk=50)
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sigkill_mid_load_leaves_whole_chunks_each_searchable(tmp_path):
    path = tmp_path / "s.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True,
                              env=env, cwd=ROOT)
    try:
        assert writer.stdout.readline().strip() == "inside"
    finally:
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    with Store.open(path) as store:
        store.conn.execute("INSERT INTO documents_fts(documents_fts) VALUES ('integrity-check')")
        pages = store.stats().pages
        assert pages == 150  # three chunks of 50 committed; the fourth was open
        assert store.count("疫情防控") == store.stats().documents == pages
        assert store.conn.execute("SELECT count(*) FROM changes").fetchone()[0] == pages


def test_on_chunk_sees_each_new_or_changed_document_once_and_commits_with_its_chunk(tmp_path):
    from scraper.crawl import neardup
    from scraper.crawl.dedup import signature

    def near(conn, written):
        calls.append([url for url, _ in written])
        for url, doc in written:
            neardup.record(conn, url, signature(doc.text), doc.text)

    docs = documents()
    longest = max(docs, key=lambda d: len(d.text))
    copy = replace(longest, url="http://mirror.example.cn/near.html", text=longest.text + "（转载）")
    items = mixed_items() + [(page_for(copy), copy)]
    calls: list[list[str]] = []
    with seeded(tmp_path / "bulk.db") as many, seeded(tmp_path / "one.db") as one:
        many.save_bulk(items, chunk=5, on_chunk=near)
        for page, doc in items:  # what the crawler does: save, then record the signature
            result = one.save(page, doc)
            if doc is not None and result.outcome in ("new", "changed"):
                neardup.record(one.conn, page.url, signature(doc.text), doc.text)
        written = [u for call in calls for u in call]
        expected = [p.url for p, d in items if d is not None and p.url != documents()[9].url]  # docs[9]: unchanged
        assert written == expected
        assert all(len(call) <= 5 for call in calls)
        assert many.get(copy.url).near_duplicate_of in {longest.url, "http://mirror.example.cn/copy2.html"}
        assert snapshot(many)["documents"] == snapshot(one)["documents"]  # near_duplicate_of included
        rows = "SELECT key, doc_id FROM doc_lsh ORDER BY doc_id, key"
        assert many.conn.execute(rows).fetchall() == one.conn.execute(rows).fetchall()

    def failing(conn, written):
        near(conn, written)
        raise RuntimeError("MinHash service down")

    with Store.open(tmp_path / "fail.db") as store:
        with pytest.raises(RuntimeError):
            store.save_bulk([(page_for(d), d) for d in docs], chunk=100, on_chunk=failing)
        assert store.stats().pages == 0
        assert store.conn.execute("SELECT count(*) FROM doc_lsh").fetchone()[0] == 0
