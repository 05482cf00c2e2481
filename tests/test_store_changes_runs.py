"""What changed and when: `changes` keeps the previous text (schema v6) and `changes --diff`
shows it; `scraper runs` lists runs; one duration syntax for every --since; the
dropped `documents.simhash`; reextract leaves list pages alone."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner

from scraper.cli import main
from scraper.durations import parse_age, parse_duration
from scraper.errors import QueryError, StoreError
from scraper.models import Document, PageRecord
from scraper.store import Store, latest_version
from scraper.store.timeutil import now, parse_day, parse_since
from store_corpus import RAW, documents, fill, page_for

NOTICE = "http://www.gov.cn/zhengce/content/2024-05/19/content_1.htm"
V1 = "关于做好汛期安全工作的通知\n各乡镇要在6月1日前完成隐患排查。\n县应急管理局"
V2 = "关于做好汛期安全工作的通知\n各乡镇要在5月25日前完成隐患排查，并报送台账。\n县应急管理局"
V3 = "关于做好汛期安全工作的通知\n各乡镇要在5月25日前完成隐患排查，并报送台账。\n县应急管理局\n2024年5月19日"


def doc(text: str) -> Document:
    return Document(url=NOTICE, title="汛期安全通知", text=text, date="2024-05-19", lang="zh")


def save_versions(store: Store, *texts: str) -> None:
    start = datetime.now(timezone.utc) - timedelta(hours=len(texts))
    for i, text in enumerate(texts):
        at = (start + timedelta(hours=i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        store.save(PageRecord(NOTICE, body=text.encode(), status=200, fetched_at=at), doc(text))


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "s.db"
    with Store.open(path) as store:
        save_versions(store, V1, V2, V3)
    return path


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_each_change_keeps_the_text_before_and_knows_the_text_after(db):
    with Store.open(db) as store:
        changes = store.changes(texts=True)
    assert [c.kind for c in changes] == ["new", "changed", "changed"]
    assert (changes[0].old_text, changes[0].new_text) == (None, V1)
    assert (changes[1].old_text, changes[1].new_text) == (V1, V2)  # the next change's old text
    assert (changes[2].old_text, changes[2].new_text) == (V2, V3)  # the document's text
    assert changes[1].diff().splitlines()[2:] == [
        "@@ -1,3 +1,3 @@", " 关于做好汛期安全工作的通知", "-各乡镇要在6月1日前完成隐患排查。",
        "+各乡镇要在5月25日前完成隐患排查，并报送台账。", " 县应急管理局"]
    assert changes[0].diff() == ""
    with Store.open(db) as store:
        assert all(c.old_text is None and c.new_text is None for c in store.changes())  # texts only if asked


def test_changes_diff_on_the_command_line(db):
    r = run("changes", "--since", "1w", "--diff", "--db", db)
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert "(new document, " in out
    assert "-各乡镇要在6月1日前完成隐患排查。" in out and "+各乡镇要在5月25日前完成隐患排查，并报送台账。" in out
    assert "+2024年5月19日" in out
    r = run("changes", "--since", "1h30m", "--json", "--diff", "--db", db)
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert rows and all("diff" in row and "old_text" not in row for row in rows)
    assert rows[-1]["diff"].endswith("+2024年5月19日")


def test_a_change_stored_before_v6_has_no_diff_and_says_so(tmp_path):
    path = tmp_path / "old.db"
    with Store.open(path, migrate_to=5) as old:
        save_versions(old, V1, V2)
    with Store.open(path) as store:
        assert store.schema_version == latest_version() == 8
        changes = store.changes(texts=True)
    assert changes[1].kind == "changed" and changes[1].old_text is None and changes[1].diff() == ""
    r = run("changes", "--diff", "--db", path)
    assert "previous text not kept" in r.stdout


def test_simhash_is_gone_and_documents_survive_the_migration(tmp_path):
    path = tmp_path / "v5.db"
    with Store.open(path, migrate_to=5) as old:
        fill(old)
        assert "simhash" in {r[1] for r in old.conn.execute("PRAGMA table_info(documents)")}
    with Store.open(path) as store:
        assert "simhash" not in {r[1] for r in store.conn.execute("PRAGMA table_info(documents)")}
        assert store.stats().documents == len(RAW)
        assert [h.url for h in store.search("阻击战")] == [RAW[2]["url"]]
        assert "simhash" not in store.get(RAW[2]["url"]).to_dict()


def test_runs_lists_recent_runs_with_their_counts(tmp_path):
    path = tmp_path / "s.db"
    with Store.open(path) as store:
        first = store.start_run("clean")
        fill(store, run_id=first)
        store.finish_run(first, "ok")
        second = store.start_run("crawl", config={"sites": ["x"]})
        store.save(PageRecord("http://www.gov.cn/gone.html", status=404, error="HTTPStatusError: 404",
                              fetched_at=now()), run_id=second)
        store.finish_run(second, "ok")
        assert [r.id for r in store.runs()] == [second, first]
        assert [r.id for r in store.runs(kind="clean")] == [first]
        with pytest.raises(StoreError):
            store.runs(kind="nope")
    r = run("runs", "--db", path)
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert lines[0].split()[:4] == ["run", "kind", "status", "started"]
    assert lines[1].startswith(f"#{second}") and "crawl" in lines[1] and "(HTTPStatusError 1)" in lines[1]
    assert lines[2].startswith(f"#{first}") and f" {len(RAW)} " in lines[2]
    rows = [json.loads(line) for line in run("runs", "--json", "--limit", "1", "--db", path).stdout.splitlines()]
    assert len(rows) == 1 and rows[0]["failed_by_reason"] == {"HTTPStatusError": 1}
    assert "near_duplicates" in rows[0] and rows[0]["kind"] == "crawl"


def test_runs_on_an_empty_store(tmp_path):
    Store.open(tmp_path / "e.db").close()
    r = run("runs", "--db", tmp_path / "e.db")
    assert r.exit_code == 0 and "(no runs yet)" in r.stderr


# --- one duration syntax --------------------------------------------------------------------


@pytest.mark.parametrize("text, seconds", [("1w", 604800), ("1h30m", 5400), ("12h", 43200), ("90s", 90),
                                           ("1.5h", 5400), ("7d", 604800), ("2d 6h", 194400)])
def test_the_one_duration_syntax(text, seconds):
    assert parse_duration(text) == seconds
    assert parse_age(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["2024-05-19", "often", "6 hours", "", "h", "-1h"])
def test_what_is_not_a_duration(text):
    assert parse_age(text) is None
    with pytest.raises(ValueError):
        parse_duration(text)


@pytest.mark.parametrize("value", [float("inf"), float("nan"), "9" * 400 + "w"])
def test_durations_no_float_holds_are_refused_not_crashed_on(value):
    with pytest.raises(ValueError, match="duration"):
        parse_duration(value)


@pytest.mark.parametrize("age", ["999999999999w", "9" * 400 + "d", "1000000000d 1h30m"])
def test_an_age_in_any_unit_reaching_before_the_year_1_is_a_query_error(age):
    """The one syntax for --since, with main's guard: an age past year 1 (or past what
    a timedelta holds) is a QueryError naming it, in every unit, not only days."""
    for parse in (parse_since, lambda v: parse_day(v, "since")):
        with pytest.raises(QueryError, match="reaches back past the year 1"):
            parse(age)


def test_crawl_bounds_apply_to_the_one_parser():
    """durations.py parses, crawl/bounds.py bounds: ten years for TOML revisits and --every."""
    from scraper.crawl import config as crawl_config

    assert crawl_config.duration_within()("520w") == 520 * 604800
    with pytest.raises(ValueError, match="too long: at most 3650 days"):
        crawl_config.duration_within()("1000000w")
    r = run("crawl", "http://127.0.0.1:9/", "--every", "1h" + "9" * 30 + "w")
    assert r.exit_code == 2 and "--every:" in r.stderr and "too long" in r.stderr


def test_since_takes_ages_in_that_syntax():
    moment = datetime.now(timezone.utc)
    since = datetime.strptime(parse_since("1h30m"), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    assert timedelta(minutes=89) <= moment - since <= timedelta(minutes=91)
    assert parse_day("1w", "since") == (moment - timedelta(weeks=1)).date().isoformat()
    assert parse_day("12h", "since") == (moment - timedelta(hours=12)).date().isoformat()
    assert parse_since("2024-05-19") == "2024-05-19"
    with pytest.raises(QueryError, match="1h30m"):
        parse_since("often")


@pytest.mark.parametrize("command", [
    ["changes", "--since", "1w"], ["changes", "--since", "1h30m"], ["search", "通知", "--since", "12h"],
    ["search", "通知", "--since", "1w", "--until", "1h"], ["export", "--since", "1w"],
])
def test_every_since_option_accepts_the_same_durations(db, command):
    r = run(*command, "--db", db)
    assert r.exit_code == 0, r.output


def test_crawl_every_and_toml_use_the_same_parser():
    from scraper.crawl import config as crawl_config

    assert crawl_config.parse_duration is parse_duration
    cfg = crawl_config.config_from_dict({"sites": [{"name": "a", "seeds": ["http://a.cn/"], "revisit_lists": "1h30m"}]})
    assert cfg.sites[0].revisit_lists == 5400


# --- reextract and list pages ----------------------------------------------------------------


def test_reextract_leaves_list_pages_alone(tmp_path):
    from scraper import clean

    path = tmp_path / "s.db"
    docs = documents()
    with Store.open(path) as store:
        fill(store)
        store.save(PageRecord("http://www.gov.cn/col/col1/index.html", status=200, kind="list",
                              body=b"<html><body><ul><li><a href='/a.html'>a</a></li></ul></body></html>",
                              fetched_at=now()))
        result = store.reextract(clean)
    assert result.failed == 0, result
    assert result.total == len(docs)
    r = run("reextract", "--db", path)
    assert r.exit_code == 0, r.output


def test_writing_to_a_store_opened_at_an_old_version_still_logs_changes(tmp_path):
    with Store.open(tmp_path / "v1.db", migrate_to=1) as old:
        d = documents()[0]
        old.save(page_for(d), d)
        old.save(page_for(d, fetched_at=now()), replace(d, text=d.text + "\n补充说明。"))
        kinds = [r[0] for r in old.conn.execute("SELECT kind FROM changes ORDER BY id")]
    assert kinds == ["new", "changed"]
    conn = sqlite3.connect(tmp_path / "v1.db")
    assert "old_text" not in {r[1] for r in conn.execute("PRAGMA table_info(changes)")}
    conn.close()
