"""The store commands through click's CliRunner, and once as a real `python -m scraper`."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from scraper.cli import main
from scraper.store import Store
from store_corpus import RAW, documents, fill, html_for

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "scraper.db"
    with Store.open(path) as s:
        fill(s)
    return path


def run(*args, env=None):
    result = CliRunner().invoke(main, [str(a) for a in args], env=env)
    return result


def test_search_prints_ranked_hits_with_snippets(db):
    r = run("search", "春耕", "--db", db)
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert lines[0].startswith("1. 我省全力抓好[春耕]备耕生产  (2021-03-15 · www.gansu.gov.cn · 甘肃日报)")
    assert lines[1].strip() == RAW[3]["url"]
    assert "[春耕]" in lines[2]
    assert "1-1 of 1 results" in r.stderr


def test_search_json_filters_and_paging(db):
    r = run("search", "疫情", "--since", "2022-01-01", "--lang", "zh", "--limit", "2", "--json", "--db", db)
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["total"] == 4 and len(data["hits"]) == 2
    assert all(h["date"] >= "2022-01-01" for h in data["hits"])
    r2 = run("search", "疫情", "--since", "2022-01-01", "--offset", "2", "--json", "--db", db)
    urls = [h["url"] for h in data["hits"]] + [h["url"] for h in json.loads(r2.stdout)["hits"]]
    assert len(set(urls)) == 4


def test_search_query_words_are_joined_and_site_filter_works(db):
    r = run("search", "疫情", "防控", "--site", "www.tongwei.gov.cn", "--json", "--db", db)
    assert [h["url"] for h in json.loads(r.stdout)["hits"]] == [RAW[2]["url"]]


def test_environment_variable_selects_the_store(db):
    r = run("search", "vaccine", "--json", env={"SCRAPER_DB": str(db)})
    assert r.exit_code == 0 and json.loads(r.stdout)["total"] == 1


@pytest.mark.parametrize("query", ['"疫情', "", "，，", "OR", "x" * 10_240])
def test_bad_queries_exit_2_with_a_message_and_no_traceback(db, query):
    r = run("search", query, "--db", db)
    assert r.exit_code == 2
    assert r.stderr.startswith("error: ") and "Traceback" not in r.output


def test_bad_date_and_missing_store(db, tmp_path):
    r = run("search", "疫情", "--since", "last week", "--db", db)
    assert r.exit_code == 2 and "since" in r.stderr
    r = run("search", "疫情", "--db", tmp_path / "nothing.db")
    assert r.exit_code == 1 and "no store at" in r.stderr
    assert not (tmp_path / "nothing.db").exists()


def test_show_text_and_json(db):
    r = run("show", RAW[2]["url"], "--db", db)
    assert r.exit_code == 0
    assert r.stdout.startswith("通渭县强化政治保证大打疫情防控阻击战\nurl: ")
    assert "editor: 张三" in r.stdout and RAW[2]["text"] in r.stdout
    data = json.loads(run("show", RAW[2]["url"], "--format", "json", "--db", db).stdout)
    assert data["document"]["title"] == RAW[2]["title"] and data["site"] == "www.tongwei.gov.cn"
    assert "body" not in data["page"]
    r = run("show", "http://nowhere.example/", "--db", db)
    assert r.exit_code == 1 and "nothing stored" in r.stderr


def test_export_jsonl_stdout_and_csv_file(db, tmp_path):
    r = run("export", "--db", db)
    assert r.exit_code == 0
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert [row["url"] for row in rows] == [d.url for d in documents()]
    assert "exported 14 documents" in r.stderr
    out = tmp_path / "out.csv"
    r = run("export", "--format", "csv", "--site", "www.gov.cn", "-o", out, "--db", db)
    assert r.exit_code == 0 and r.stdout == ""
    assert len(list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))) == 2
    assert run("export", "--since", "2999-01-01", "--db", db).stdout == ""


def test_stats_and_changes(db):
    r = run("stats", "--db", db)
    assert r.exit_code == 0
    assert "documents: 14" in r.stdout and "www.gov.cn" in r.stdout
    assert json.loads(run("stats", "--json", "--db", db).stdout)["pages"] == 14
    r = run("changes", "--since", "2024-05-19", "--db", db)
    assert len(r.stdout.splitlines()) == 14 and " new " in r.stdout
    assert run("changes", "--since", "2024-05-20", "--db", db).stdout == ""


def test_datasette_metadata(db):
    data = json.loads(run("datasette-metadata", "--db", db).stdout)
    assert "search" in data["databases"]["scraper"]["queries"]


def test_reextract_with_the_real_extractor(db):
    """Re-clean the stored bodies with scraper.clean (no network)."""
    r = run("reextract", "--db", db)
    assert "Traceback" not in r.output
    assert r.stdout.startswith("reextracted 14 pages"), r.output
    with Store.open(db) as s:
        run_row = s.stats().last_run
        assert run_row.kind == "reextract" and run_row.fetched == 14
        if r.exit_code == 0:
            entry = s.get(RAW[2]["url"])
            assert "党员先锋岗128个" in entry.document.text


def test_clean_save_then_search(tmp_path):
    """`scraper clean FILE --save` stores what it cleans; `scraper search` finds it."""
    page = tmp_path / "notice.html"
    page.write_bytes(html_for(documents()[2]))
    db = tmp_path / "s.db"
    r = run("clean", page, "--url", RAW[2]["url"], "--save", "--db", db)
    assert r.exit_code == 0, r.output
    hits = json.loads(run("search", "阻击战", "--json", "--db", db).stdout)["hits"]
    assert [h["url"] for h in hits] == [RAW[2]["url"]]


def test_python_dash_m_scraper_in_a_real_process(db):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SCRAPER_DB": str(db)}
    proc = subprocess.run(
        [sys.executable, "-m", "scraper", "search", "疫", "--json", "--limit", "100"],
        capture_output=True, text=True, encoding="utf-8", env=env, cwd=ROOT, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["total"] == 6
    proc = subprocess.run(
        [sys.executable, "-m", "scraper", "search", '"unbalanced'],
        capture_output=True, text=True, encoding="utf-8", env=env, cwd=ROOT, timeout=120,
    )
    assert proc.returncode == 2 and "unbalanced double quote" in proc.stderr and "Traceback" not in proc.stderr
