"""Read commands (search, show, export, stats, changes) open the store read-only: they
work on a read-only directory or mount, write nothing into an empty file, and leave
another program's SQLite file exactly as it was (no WAL switch before refusing it)."""

from __future__ import annotations

import hashlib
import json
import sqlite3

import pytest
from click.testing import CliRunner

from fsconditions import run_readonly, scraper_argv
from scraper.cli import main
from scraper.errors import StoreError
from scraper.store import Store
from store_corpus import RAW, fill

READ_COMMANDS = [
    ["search", "疫情"],
    ["show", RAW[0]["url"]],
    ["export"],
    ["stats"],
    ["changes"],
]


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def beside(path) -> set[str]:
    return {p.name for p in path.parent.iterdir()}


@pytest.fixture
def store_dir(tmp_path):
    d = tmp_path / "ro"
    d.mkdir()
    with Store.open(d / "s.db") as s:
        fill(s)
    assert beside(d / "s.db") == {"s.db"}  # a clean close merges and removes -wal/-shm
    return d


@pytest.mark.parametrize("command", READ_COMMANDS, ids=lambda c: c[0])
def test_read_commands_work_on_a_read_only_directory(store_dir, command):
    db = store_dir / "s.db"
    before = digest(db)
    result = run_readonly(store_dir, scraper_argv(*command, "--db", str(db)))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert digest(db) == before and beside(db) == {"s.db"}


def test_a_read_only_store_still_answers_correctly(store_dir):
    db = store_dir / "s.db"
    result = run_readonly(store_dir, scraper_argv("search", "疫情防控", "--json", "--db", str(db)))
    assert result.returncode == 0, result.stderr
    assert RAW[0]["url"] in {h["url"] for h in json.loads(result.stdout)["hits"]}
    result = run_readonly(store_dir, scraper_argv("export", "--db", str(db)))
    assert len(result.stdout.splitlines()) == len(RAW)


def test_a_write_command_on_a_read_only_store_says_so(store_dir):
    db = store_dir / "s.db"
    result = run_readonly(store_dir, scraper_argv("reextract", "--db", str(db)))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"error: cannot write to the store {db}: its directory is read-only" in result.stderr


@pytest.mark.parametrize("command", READ_COMMANDS, ids=lambda c: c[0])
def test_read_commands_never_write_a_schema_into_an_empty_file(tmp_path, command):
    db = tmp_path / "empty.db"
    db.write_bytes(b"")
    result = run(*command, "--db", db)
    assert result.exit_code == 1
    assert f"error: {db} is an empty file, not a store yet" in result.stderr
    assert db.read_bytes() == b"" and beside(db) == {"empty.db"}


def _foreign(tmp_path):
    path = tmp_path / "firefox.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
        conn.execute("INSERT INTO moz_places (url) VALUES ('http://example.com/')")
    conn.close()
    return path


@pytest.mark.parametrize("command", READ_COMMANDS + [["reextract"], ["clean", "-", "--save"]],
                         ids=lambda c: c[0])
def test_another_programs_sqlite_file_is_refused_untouched(tmp_path, command):
    path = _foreign(tmp_path)
    before = digest(path)
    result = CliRunner().invoke(main, [*command, "--db", str(path)], input="<p>x</p>")
    assert result.exit_code == 1, result.output
    assert f"{path} is not a scraper store (it has tables but no migrations table); it was left untouched" \
        in result.stderr
    assert digest(path) == before and beside(path) == {"firefox.sqlite"}
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_a_crawl_into_another_programs_file_is_refused_untouched(tmp_path):
    path = _foreign(tmp_path)
    before = digest(path)
    cfg = tmp_path / "sites.toml"
    cfg.write_text('[[sites]]\nname = "t"\nseeds = ["http://127.0.0.1:9/"]\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["crawl", str(cfg), "--db", str(path), "--workers", "0"])
    assert result.exit_code == 1 and "is not a scraper store" in result.stderr
    assert digest(path) == before


def test_python_api_read_only_store_refuses_writes(tmp_path):
    path = tmp_path / "s.db"
    with Store.open(path) as s:
        fill(s)
    with Store.open(path, readonly=True) as s:
        assert s.readonly and s.get(RAW[0]["url"]) is not None
        with pytest.raises(StoreError, match="readonly database"):
            s.delete(RAW[0]["url"])
    with Store.open(path) as s:
        assert s.get(RAW[0]["url"]) is not None


def test_an_old_store_is_upgraded_once_by_a_read_command(tmp_path):
    path = tmp_path / "old.db"
    Store.open(path, migrate_to=1).close()
    result = run("stats", "--db", path)
    assert result.exit_code == 0, result.output
    with Store.open(path, readonly=True) as s:
        assert s.schema_version == s.conn.execute("SELECT max(version) FROM migrations").fetchone()[0] > 1


def test_an_old_store_on_a_read_only_mount_cannot_be_upgraded_and_says_so(tmp_path):
    d = tmp_path / "ro"
    d.mkdir()
    Store.open(d / "old.db", migrate_to=1).close()
    result = run_readonly(d, scraper_argv("stats", "--db", str(d / "old.db")))
    assert result.returncode == 1
    assert "has schema version 1 and needs an upgrade to" in result.stderr and "Traceback" not in result.stderr


def test_an_empty_sqlite_database_is_not_a_store_for_reading(tmp_path):
    path = tmp_path / "blank.db"
    conn = sqlite3.connect(path)
    conn.executescript("CREATE TABLE scratch (a); DROP TABLE scratch;")
    conn.close()
    assert path.stat().st_size > 0  # a valid database with no tables
    result = run("stats", "--db", path)
    assert result.exit_code == 1 and "not a store yet" in result.stderr


def test_a_read_only_reader_beside_a_writer_sees_committed_documents_only(tmp_path):
    path = tmp_path / "s.db"
    with Store.open(path) as writer:
        fill(writer)
        before = len(list(writer.iter_documents()))
        with writer.batch():
            writer.delete(RAW[0]["url"])
            with Store.open(path, readonly=True) as reader:  # while the writer's transaction is open
                assert len(list(reader.iter_documents())) == before
        with Store.open(path, readonly=True) as reader:
            assert len(list(reader.iter_documents())) == before - 1
            assert reader.get(RAW[0]["url"]) is None
