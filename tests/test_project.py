"""The project as a user installs and runs it: the distribution's name and metadata, an
install without warnings, a command line that starts without loading the library,
`make lint` and `make clean-store`, benchmarks that say what they miss, and a
`search --help` whose examples work."""

from __future__ import annotations

import fcntl
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from scraper.cli import main
from scraper.store import Store
from store_corpus import fill

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
VENV_BIN = Path(sys.executable).parent


def _name(requirement: str) -> str:
    return re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_distribution_name_is_free_of_the_2012_project_and_keeps_the_command():
    project = PYPROJECT["project"]
    assert project["name"] == "scraper-sqlite"
    assert project["scripts"] == {"scraper": "scraper.cli:main"}
    assert project["entry-points"]["datasette"] == {"scraper": "scraper.web.datasette_plugin"}


def test_dependencies_are_unique_used_and_licence_is_spdx():
    project = PYPROJECT["project"]
    names = [_name(r) for r in project["dependencies"]]
    assert len(names) == len(set(names)), names
    assert "jieba" not in names
    assert project["license"] == "MIT"
    assert any(r.replace(" ", "").startswith("setuptools>=77") for r in PYPROJECT["build-system"]["requires"])
    assert "ruff" in {_name(r) for r in project["optional-dependencies"]["test"]}
    for path in (ROOT / "scraper").rglob("*.py"):
        assert not re.search(r"^\s*(import|from)\s+jieba", path.read_text(encoding="utf-8"), re.M), path


def test_the_wheel_builds_without_warnings_and_says_mit(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "scraper", src / "scraper", ignore=shutil.ignore_patterns("__pycache__"))
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "-v", "--no-deps", "--no-build-isolation", "-w",
                           str(tmp_path / "dist"), str(src)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    log = done.stdout + done.stderr
    assert not re.search(r"(?i)deprecat|license.*(warn|table)|SetuptoolsWarning", log), log[-3000:]
    (wheel,) = (tmp_path / "dist").glob("scraper_sqlite-*.whl")
    import zipfile

    with zipfile.ZipFile(wheel) as zf:
        meta = zf.read(next(n for n in zf.namelist() if n.endswith("METADATA"))).decode()
        entry_points = zf.read(next(n for n in zf.namelist() if n.endswith("entry_points.txt"))).decode()
        names = zf.namelist()
    assert "scraper/extract/chooser.json.gz" in names  # the extractor's model ships in the wheel
    assert "Name: scraper-sqlite" in meta and "License-Expression: MIT" in meta
    assert "Requires-Dist: jieba" not in meta
    assert "[datasette]" in entry_points and "scraper = scraper.web.datasette_plugin" in entry_points


HEAVY = ("trafilatura", "numpy", "sqlite_utils", "httpx", "lxml", "datasketch", "charset_normalizer", "rich",
         "warcio", "dask", "distributed", "pyarrow")


@pytest.mark.parametrize("argv", [["--version"], ["--help"], ["search", "--help"], ["clean", "--help"],
                                  ["crawl", "--help"], ["discover", "--help"], ["runs", "--help"],
                                  ["import", "--help"], ["batch", "--help"], ["merge", "--help"]])
def test_the_command_line_starts_without_loading_the_library(argv):
    """What makes `scraper --version` fast (tests/benchmarks/bench_startup.py times it):
    no heavy module is imported before a command runs."""
    code = ("import sys, json\nfrom scraper.cli import main\n"
            f"try:\n    main({argv!r})\nexcept SystemExit:\n    pass\n"
            f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({list(HEAVY)!r}))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
    if argv == ["--version"]:
        assert "scraper, version 0.1.0" in done.stdout


def test_dask_and_pyarrow_stay_out_of_the_core_install():
    """The core install reads and writes WARC (warcio); cluster scale is the `scale` extra."""
    project = PYPROJECT["project"]
    core = {_name(r) for r in project["dependencies"]}
    assert "warcio" in core
    assert not core & {"dask", "distributed", "pyarrow"}
    scale = {_name(r) for r in project["optional-dependencies"]["scale"]}
    assert {"dask", "pyarrow"} <= scale
    assert "scraper-sqlite[scale]" in project["optional-dependencies"]["test"]


def test_the_library_still_offers_clean_at_the_top():
    import scraper

    assert callable(scraper.clean) and callable(scraper.clean_many)
    with pytest.raises(AttributeError):
        scraper.no_such_thing  # noqa: B018


# --- make -------------------------------------------------------------------------------------


def make(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    venv = VENV_BIN.parent
    # -o: the venv is there already; do not reinstall it
    cmd = ["make", "-o", str(venv / ".installed"), f"VENV={venv}", *args]
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=600)


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_lint_passes_and_the_rules_catch_bugs(tmp_path):
    done = make("lint")
    assert done.returncode == 0, done.stdout + done.stderr
    bad = tmp_path / "bad.py"
    bad.write_text("import os\n\ndef f():\n    return undefined_name\n", encoding="utf-8")
    checked = subprocess.run([str(VENV_BIN / "ruff"), "check", "--config", str(ROOT / "pyproject.toml"), str(bad)],
                             capture_output=True, text=True)
    assert checked.returncode == 1
    assert "F401" in checked.stdout and "F821" in checked.stdout


@pytest.mark.skipif(shutil.which("make") is None or shutil.which("flock") is None, reason="make/flock missing")
def test_make_clean_store_deletes_the_store_files_only(tmp_path):
    store_dir = tmp_path / "store"
    store_dir.mkdir()
    db = store_dir / "scraper.db"
    with Store.open(db) as s:
        fill(s)
    for extra in ("scraper.db.lock", "demo-sites.toml"):
        (store_dir / extra).write_text("x", encoding="utf-8")
    keep = store_dir / "README.md"
    keep.write_text("keep me", encoding="utf-8")
    lock = open(store_dir / "scraper.db.lock", "a")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a crawl is running
        refused = make("clean-store", f"STORE={db}")
        assert refused.returncode != 0 and "a crawl is running" in refused.stderr
        assert db.exists()
    finally:
        lock.close()
    done = make("clean-store", f"STORE={db}")
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in store_dir.iterdir()) == ["README.md"]
    assert f"removed {db}" in done.stdout


# --- benchmarks without the development sets ------------------------------------------------


@pytest.mark.parametrize("script", ["bench_clean.py", "bench_charset.py"])
def test_benchmarks_without_the_dev_data_say_what_is_missing(tmp_path, script):
    env = {**os.environ, "SCRAPER_DEV_DATA": str(tmp_path / "none")}
    done = subprocess.run([sys.executable, str(ROOT / "tests" / "benchmarks" / script)], capture_output=True,
                          text=True, env=env, timeout=300)
    assert done.returncode == 2
    assert f"{tmp_path / 'none' / 'zh-dev.jsonl.gz'} not found" in done.stderr
    assert "not shipped with the project" in done.stderr and "Traceback" not in done.stderr


def test_bench_clean_with_a_given_missing_file(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "tests" / "benchmarks" / "bench_clean.py"),
                           str(tmp_path / "mine.jsonl.gz")], capture_output=True, text=True, timeout=300)
    assert done.returncode == 2 and "mine.jsonl.gz not found" in done.stderr


# --- search --help --------------------------------------------------------------------------


def test_every_example_in_search_help_runs(tmp_path):
    db = tmp_path / "s.db"
    with Store.open(db) as s:
        fill(s)
    help_text = CliRunner().invoke(main, ["search", "--help"]).output
    examples = [line.strip() for line in help_text.splitlines() if line.strip().startswith("scraper search ")]
    assert len(examples) >= 3
    for example in examples:
        args = shlex.split(example)[1:]
        result = CliRunner().invoke(main, args, env={"SCRAPER_DB": str(db)})  # after `--`, --db is a word
        assert result.exit_code == 0, f"{example}: {result.output}"


def test_an_exclusion_is_not_taken_for_an_option(tmp_path):
    db = tmp_path / "s.db"
    with Store.open(db) as s:
        fill(s)
        expected = [h.url for h in s.search("疫情 -防控", limit=100)]
    assert expected
    for argv in (["search", "疫情", "-防控"], ["search", "--json", "--", "-防控", "疫情"], ["search", "疫情 -防控"]):
        if "--json" not in argv:
            argv = [*argv, "--json"]
        result = CliRunner().invoke(main, argv, env={"SCRAPER_DB": str(db)})
        assert result.exit_code == 0, result.output
        assert [h["url"] for h in json.loads(result.stdout)["hits"]] == expected
