"""Bad arguments and broken outputs get a one-line message and exit 1 or 2, never a
traceback, and leave the store as it was (real `python -m scraper` processes, so
the real stdout, its flush at exit and the real argv decoding are exercised)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scraper.store import Store
from store_corpus import RAW, fill

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "s.db"
    with Store.open(path) as s:
        fill(s)
    return path


def scraper(*args, stdout=subprocess.PIPE) -> subprocess.CompletedProcess:
    argv = [sys.executable, "-m", "scraper", *(a if isinstance(a, bytes) else str(a) for a in args)]
    return subprocess.run(argv, stdout=stdout, stderr=subprocess.PIPE, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def stderr(result) -> str:
    text = result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in text and "Exception ignored" not in text, text
    return text


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_export_to_a_missing_directory(db, tmp_path):
    result = scraper("export", "-o", "/nonexistent/x.jsonl", "--db", db)
    assert result.returncode == 1
    assert stderr(result) == "error: cannot write /nonexistent/x.jsonl: No such file or directory\n"


@pytest.mark.parametrize("command", [["export"], ["export", "--format", "csv"], ["search", "疫情"],
                                     ["search", "疫情", "--json"], ["show", RAW[0]["url"]], ["stats"],
                                     ["changes"]], ids=" ".join)
def test_output_to_a_full_disk(db, command):
    before = digest(db)
    with open("/dev/full", "w") as full:
        result = scraper(*command, "--db", db, stdout=full)
    assert result.returncode == 1
    assert "error: cannot write the output: No space left on device" in stderr(result)
    assert digest(db) == before


def test_export_file_on_a_full_disk_leaves_the_earlier_export_intact(db, tmp_path):
    out = tmp_path / "docs.jsonl"
    assert scraper("export", "-o", out, "--db", db).returncode == 0
    good = out.read_text(encoding="utf-8")
    assert len(good.splitlines()) == len(RAW)
    result = scraper("export", "-o", "/dev/full", "--db", db)
    assert result.returncode == 1 and "cannot write /dev/full: No space left on device" in stderr(result)
    assert Path("/dev/full").is_char_device()  # written to, never replaced by a rename
    assert out.read_text(encoding="utf-8") == good
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_a_failed_export_file_leaves_no_partial_file(db, tmp_path, monkeypatch):
    from scraper.store import export as export_module

    def broken(rows, out, fmt="jsonl"):
        out.write("{\"half\": ")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export_module, "write", broken)
    out = tmp_path / "docs.jsonl"
    out.write_text("earlier export\n")
    with Store.open(db, readonly=True) as store, pytest.raises(OSError):
        store.export(out)
    assert out.read_text() == "earlier export\n"
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")]


@pytest.mark.parametrize("command", [["changes"], ["search", "疫情"], ["export"]], ids=" ".join)
def test_an_age_reaching_before_the_year_1(db, command):
    result = scraper(*command, "--since", "999999999d", "--db", db)
    assert result.returncode == 2
    assert "error: since: '999999999d' reaches back past the year 1" in stderr(result)


@pytest.mark.parametrize("command,name", [
    (["search", "疫情", "--site", b"\xff"], "'--site'"),
    (["search", b"\xff\xfe"], "'QUERY...'"),
    (["export", "--site", b"\xff"], "'--site'"),
    (["changes", "--since", b"1\xffd"], "'--since'"),
    (["show", b"http://x/\xff"], "'URL'"),
    (["clean", "-", "--url", b"http://x/\xff"], "'--url'"),
], ids=lambda c: " ".join(map(str, c)) if isinstance(c, list) else c)
def test_arguments_that_are_not_utf8(db, command, name):
    result = scraper(*command, "--db", db)
    assert result.returncode == 2
    assert f"Invalid value for {name}: not valid UTF-8 text: b'" in stderr(result)


def test_a_store_path_that_is_not_utf8_still_works(tmp_path):
    name = os.fsdecode(b"\xff.db")
    path = tmp_path / name
    with Store.open(path) as s:
        fill(s)
    result = scraper("search", "疫情", "--json", "--db", os.fsencode(path))
    assert result.returncode == 0, stderr(result)
    assert json.loads(result.stdout)["total"] > 0
