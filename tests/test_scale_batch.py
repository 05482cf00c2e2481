"""`scraper batch` on a Dask LocalCluster and `scraper merge`: the documents of the serial
path (`scraper import`), a killed worker costs nothing, a second batch and a second
merge change nothing, stores merge like shards. Few tests, each on real worker
processes; none waits on a clock (the kill waits for a task's temporary file)."""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from warcs import Archive, PAGES

from scraper.cli import main
from scraper.scale import batch_clean, clean_rows, merge, shards_in
from scraper.scale.shards import iter_rows
from scraper.store import Store
from scraper.warc import import_archives, iter_archive
from scraper.warc.records import WarcPage

pytest.importorskip("dask.distributed", reason="the scale extra (pip install -e '.[scale]')")

NAMES = sorted(p.stem for p in PAGES.glob("*.html"))


def build_archives(directory: Path, count: int, per_archive: int) -> list[Path]:
    """`count` archives of fixture pages under distinct URLs; the first page of the last
    archive is a later fetch of a URL of the first one (the latest must win)."""
    directory.mkdir(parents=True, exist_ok=True)
    paths, n = [], 0
    for a in range(count):
        warc = Archive(directory / f"crawl-{a:05d}.warc.gz")
        if a == count - 1:
            body = (PAGES / f"{NAMES[1]}.html").read_bytes()
            warc.page("http://www.example.gov.cn/p/0.html", body, "text/html", date="2024-06-01T00:00:00Z")
        for _ in range(per_archive):
            name = NAMES[n % len(NAMES)]
            warc.page(f"http://www.example.gov.cn/p/{n}.html", (PAGES / f"{name}.html").read_bytes(), "text/html")
            n += 1
        warc.page("http://www.example.gov.cn/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(100), "image/png")
        paths.append(warc.close())
    return paths


def snapshot(db: Path) -> dict:
    conn = sqlite3.connect(db)
    try:
        return {
            "documents": conn.execute(
                "SELECT url, title, text, date, source, encoding, duplicate_of, near_duplicate_of, last_seen "
                "FROM documents ORDER BY url").fetchall(),
            "pages": conn.execute("SELECT url, kind, encoding, body_hash, fetched_at, run_id FROM pages "
                                  "ORDER BY url").fetchall(),
            "changes": conn.execute("SELECT url, kind, new_hash FROM changes ORDER BY id").fetchall(),
            "lsh": conn.execute("SELECT count(*) FROM doc_lsh").fetchone(),
        }
    finally:
        conn.close()


def documents(db: Path) -> list[tuple]:
    """Each document's fields, and which duplicate group it is in (which URL of a group is
    the original depends on the order the pages came in, not on what they say)."""
    rows = snapshot(db)["documents"]
    texts: dict[str, list[str]] = {}
    for row in rows:
        texts.setdefault(row[2], []).append(row[0])
    by_url = {row[0]: row for row in rows}
    for group in texts.values():  # one original, every other copy points into the group
        assert sum(by_url[u][6] is None for u in group) == 1 and all(by_url[u][6] in group for u in group[1:] if
                                                                       by_url[u][6] is not None)
    return [(*row[:6], tuple(texts[row[2]])) for row in rows]


@pytest.fixture(scope="module")
def batched(tmp_path_factory):
    home = tmp_path_factory.mktemp("batch")
    archives = build_archives(home / "warc", 4, 8)
    with Store.open(home / "serial.db") as store:
        import_archives(archives, store, workers=0)
    first = batch_clean([home / "warc"], home / "shards", workers=2)
    stamps = {p.name: p.stat().st_mtime_ns for p in shards_in(home / "shards")}
    second = batch_clean([home / "warc"], home / "shards", workers=2)
    return home, archives, first, second, stamps


def test_batch_on_two_workers_gives_the_serial_documents(batched):
    home, archives, first, _, _ = batched
    assert first.ok and len(first.written) == 4 and first.rows == 33
    assert all(r.skipped == {"not_html": 1} for r in first.written)
    merged = CliRunner().invoke(main, ["merge", str(home / "shards"), "--db", str(home / "merged.db")])
    assert merged.exit_code == 0, merged.output
    assert documents(home / "merged.db") == documents(home / "serial.db")
    latest = [d for d in documents(home / "merged.db") if d[0] == "http://www.example.gov.cn/p/0.html"]
    assert latest[0][1] == (PAGES / f"{NAMES[1]}.json").read_text(encoding="utf-8").split('"title": "')[1].split('"')[0]
    with Store.open(home / "merged.db", readonly=True) as store, Store.open(home / "serial.db", readonly=True) as ref:
        assert [h.url for h in store.search("疫情", limit=50)] == [h.url for h in ref.search("疫情", limit=50)]
        assert store.runs(1)[0].kind == "merge"


def test_the_shards_hold_what_the_serial_loop_makes(batched):
    from collections import Counter

    home, archives, first, _, _ = batched
    by_archive = {r.archive: r.shard for r in first.written}
    for archive in archives:
        serial = list(clean_rows(str(archive.resolve()), Counter()))
        shard = list(iter_rows(home / "shards" / by_archive[str(archive.resolve())]))
        assert shard == serial


def test_a_second_batch_does_nothing_and_a_second_merge_changes_nothing(batched):
    home, _, _, second, stamps = batched
    assert second.written == () and len(second.existing) == 4
    assert {p.name: p.stat().st_mtime_ns for p in shards_in(home / "shards")} == stamps
    db = home / "twice.db"
    with Store.open(db) as store:
        merge([home / "shards"], store)
    before = snapshot(db)
    with Store.open(db) as store:
        again = merge([home / "shards"], store)
    assert again.fetched == 0 and again.skipped_by_reason == {"not_html": 4, "superseded": 1, "not_newer": 32}
    assert snapshot(db) == before


def test_stores_merge_like_shards(batched):
    home, *_ = batched
    db = home / "from-store.db"
    with Store.open(db) as store:
        merge([home / "serial.db"], store)
    assert documents(db) == documents(home / "serial.db")
    with Store.open(db) as store:
        assert store.get("http://www.example.gov.cn/p/3.html").page.body == \
            (PAGES / f"{NAMES[3]}.html").read_bytes()  # raw bodies come along: reextract works


def test_a_worker_killed_mid_task_loses_and_doubles_no_shard(tmp_path):
    from dask.distributed import LocalCluster

    archives = build_archives(tmp_path / "warc", 2, 60)
    out = tmp_path / "shards"
    killed: list[int] = []
    with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1",
                      dashboard_address="127.0.0.1:0") as cluster:
        result: dict = {}
        runner = threading.Thread(target=lambda: result.update(
            summary=batch_clean(archives, out, scheduler=cluster.scheduler_address)))
        runner.start()
        deadline = time.monotonic() + 120  # a bound on a hang, not a timing assumption
        while not killed and runner.is_alive() and time.monotonic() < deadline:
            for tmp in out.glob(".*.tmp") if out.exists() else ():
                pid = int(tmp.name.rsplit(".", 2)[1])
                os.kill(pid, signal.SIGKILL)  # the worker writing this shard, mid-task
                killed.append(pid)
                break
            time.sleep(0.02)
        runner.join(timeout=300)
    assert killed, "no task was seen running"
    summary = result["summary"]
    assert summary.ok and len(summary.written) == 2
    shards = shards_in(out)
    assert len(shards) == 2 and not list(out.glob(".*.tmp"))
    for written in summary.written:  # every page of its archive once, in order: none lost, none twice
        rows = [(r["url"], r["archive_offset"]) for r in iter_rows(out / written.shard, ["url", "archive_offset"])]
        pages = [(i.fetched.url, i.offset) for i in iter_archive(written.archive) if isinstance(i, WarcPage)]
        assert rows == pages and len(rows) in (60, 61)


def test_batch_and_merge_refuse_bad_arguments_before_starting_anything(tmp_path):
    both = CliRunner().invoke(main, ["batch", str(tmp_path), "--out", str(tmp_path / "o"), "--workers", "2",
                                     "--scheduler", "tcp://127.0.0.1:1"])
    assert both.exit_code == 2 and "not both" in both.stderr
    missing = CliRunner().invoke(main, ["batch", str(tmp_path / "none.warc.gz"), "--out", str(tmp_path / "o")])
    assert missing.exit_code == 1 and "no such file or directory" in missing.stderr
    (tmp_path / "empty").mkdir()
    nothing = CliRunner().invoke(main, ["batch", str(tmp_path / "empty"), "--out", str(tmp_path / "o")])
    assert nothing.exit_code == 2 and "no web archives given" in nothing.stderr
    merged = CliRunner().invoke(main, ["merge", str(tmp_path / "empty"), "--db", str(tmp_path / "m.db")])
    assert merged.exit_code == 2 and "no Parquet shards" in merged.stderr
    assert "Traceback" not in both.output + missing.output + nothing.output + merged.output
