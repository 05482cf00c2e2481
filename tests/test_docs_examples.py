"""Every example in README.md and store/README.md runs, as written.

The fenced code blocks are read from the documents. Shell lines run one by one in
bash, Python blocks as scripts, SQL statements against the store, TOML through the
config loader: in one scratch directory holding what the examples name (page.html,
urls.txt, sites.toml, fixtures/, a store crawled from the fixture site). URLs such as
http://www.example.gov.cn/... reach fixtures/site/serve.py on loopback, set as the
HTTP proxy of every command (httpx and curl honour http_proxy), so the examples can
show real-looking URLs and still never leave the machine.

A block that cannot run here (cron and systemd snippets, pip installs, servers that
run until stopped) carries `<!-- docs-test: skip (reason) -->` on the line above it;
the test checks that exactly the expected blocks are skipped.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "fixtures" / "site"))
import serve  # noqa: E402  (fixtures/site/serve.py)

DOCS = ("README.md", "store/README.md")
SKIP = re.compile(r"<!--\s*docs-test:\s*skip\s*\((?P<why>.+?)\)\s*-->")
FENCE = re.compile(r"^```(?P<lang>[\w-]*)\s*$")
RUNNABLE = {"sh", "python", "sql", "toml"}
NOT_CODE = {""}  # diagrams
BIN = Path(sys.executable).parent
PAGE = ROOT / "fixtures" / "pages" / "gov-city-gbk-trs.html"
SITE = "http://www.example.gov.cn"

# Every block that does not run: (document, language, first line). Adding a skip mark
# anywhere else fails test_only_the_expected_blocks_are_skipped.
EXPECTED_SKIPS = {
    ("README.md", "sh", "pip install -e .            # the command `scraper` and the package `scraper`"),
    ("README.md", "sh", "make demo   # creates .venv, installs, runs the main job on the bundled fixtures, shows a search"),
    ("README.md", "sh", "datasette store/scraper.db     # then open http://127.0.0.1:8001/scraper/documents?_search=疫情"),
    ("README.md", "sh", "scraper crawl sites.toml --every 6h              # keep running: a run every 6 hours"),
    ("README.md", "python", "from scraper.crawl import crawl_every, load_config"),
    ("README.md", "cron", "# m  h   dom mon dow  command"),
    ("README.md", "ini", "# /etc/systemd/system/scraper-crawl.service"),
    ("README.md", "ini", "# /etc/systemd/system/scraper-crawl.timer   (systemctl enable --now scraper-crawl.timer)"),
    ("README.md", "sh", "python tests/benchmarks/bench_clean.py zh-dev.jsonl.gz en-dev.jsonl.gz   "
                        "# clean() vs bare trafilatura.extract(), same run"),
    ("README.md", "sh", "make test                          # the whole suite (what CI runs: .ci/run)"),
    ("README.md", "sh", "# crawl machine k of 3 (cron): its own store, its WARC files on the shared file system"),
    ("README.md", "python", "from dask_jobqueue import SLURMCluster"),
    ("store/README.md", "python", '@migration(8, "frontier: lease columns")'),
    ("store/README.md", "sh", "pip install -e '.[web]'                    # in a clone; the distribution is named scraper-sqlite"),
}


@dataclass(frozen=True)
class Block:
    doc: str
    line: int
    lang: str
    code: str
    skip: str | None

    @property
    def first_line(self) -> str:
        return self.code.splitlines()[0] if self.code else ""

    def where(self) -> str:
        return f"{self.doc}:{self.line} ({self.lang})"


def read_blocks(doc: str) -> list[Block]:
    lines = (ROOT / doc).read_text(encoding="utf-8").splitlines()
    blocks, i = [], 0
    while i < len(lines):
        fence = FENCE.match(lines[i])
        if not fence:
            i += 1
            continue
        start, body = i, []
        i += 1
        while i < len(lines) and lines[i].strip() != "```":
            body.append(lines[i])
            i += 1
        before = next((lines[j] for j in range(start - 1, -1, -1) if lines[j].strip()), "")
        mark = SKIP.search(before)
        blocks.append(Block(doc, start + 1, fence["lang"], "\n".join(body), mark["why"] if mark else None))
        i += 1
    return blocks


ALL_BLOCKS = [b for doc in DOCS for b in read_blocks(doc)]


def test_the_documents_have_examples_of_every_kind():
    runnable = [b for b in ALL_BLOCKS if b.lang in RUNNABLE and not b.skip]
    assert {b.lang for b in runnable} == RUNNABLE
    assert len(runnable) >= 12


def test_only_the_expected_blocks_are_skipped():
    skipped = {(b.doc, b.lang, b.first_line) for b in ALL_BLOCKS if b.skip}
    assert skipped == EXPECTED_SKIPS
    for b in ALL_BLOCKS:
        assert b.lang in RUNNABLE | NOT_CODE or b.skip, f"{b.where()}: {b.lang} block must be marked skip"


def test_no_document_points_outside_the_repository():
    for doc in DOCS:
        text = (ROOT / doc).read_text(encoding="utf-8")
        assert "../shared" not in text and "DESIGN.md" not in text, doc
        assert not re.search(r"pip install '?scraper[\[' ]", text), f"{doc}: the distribution is scraper-sqlite"


# --- the scratch directory the examples run in ----------------------------------------------


SITES_TOML = f"""[crawl]
concurrency = 8
delay = 0                 # our own loopback server
revisit_lists = "0s"
revisit_articles = "0s"

[[sites]]
name = "example"
seeds = ["{SITE}/"]
max_depth = 4
"""


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A scratch directory, an environment whose HTTP goes to the fixture site, a crawled store."""
    home = tmp_path_factory.mktemp("docs")
    (home / "fixtures").symlink_to(ROOT / "fixtures", target_is_directory=True)
    (home / "tests").symlink_to(ROOT / "tests", target_is_directory=True)
    shutil.copy(PAGE, home / "page.html")
    (home / "sites.toml").write_text(SITES_TOML, encoding="utf-8")
    (home / "urls.txt").write_text("# articles of the example site, and a local file\n"
                                   f"{SITE}/Item/15832.aspx\n{SITE}/art/2023/5/19/art_24516_3958721.html\n\n"
                                   f"{SITE}/news/local/2024/03/03/riverside-park-playground-rebuild-approved/\n"
                                   "page.html\n", encoding="utf-8")
    server = serve.start(port=0)
    proxy = server.origin
    env = {k: v for k, v in os.environ.items() if k.upper() not in ("SCRAPER_DB", "NO_PROXY", "ALL_PROXY")}
    env.update(PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}", HTTP_PROXY=proxy, http_proxy=proxy,
               PYTHONIOENCODING="utf-8", COLUMNS="100")
    first = subprocess.run(["scraper", "crawl", "sites.toml", "--quiet", "--workers", "0"], cwd=home, env=env,
                           capture_output=True, text=True, timeout=300)
    assert first.returncode in (0, 1), first.stderr
    yield home, env
    server.shutdown()


def last_run_failures(home: Path, db: str = "store/scraper.db") -> dict:
    conn = sqlite3.connect(home / db)
    try:
        status, reasons = conn.execute("SELECT status, failed_by_reason FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        conn.close()
    return {"status": status, **json.loads(reasons or "{}")}


def shell_lines(code: str) -> list[str]:
    joined = code.replace("\\\n", " ")
    return [line for line in joined.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def run_shell(block: Block, home: Path, env: dict) -> list[str]:
    problems = []
    for line in shell_lines(block.code):
        done = subprocess.run(["bash", "-c", line], cwd=home, env=env, capture_output=True, text=True, timeout=300)
        ok = done.returncode == 0
        if not ok and done.returncode == 1 and line.startswith("scraper crawl"):
            # the fixture site has three broken links on purpose: "some pages failed"
            db = re.search(r"--db (\S+)", line)
            failures = last_run_failures(home, db[1] if db else "store/scraper.db")
            ok = failures.pop("status") == "ok" and set(failures) <= {"http_404"}
        if not ok or "Traceback" in done.stderr:
            problems.append(f"{block.where()}: `{line}` exited {done.returncode}\n{done.stderr[-2000:]}")
    return problems


def run_python(block: Block, home: Path, env: dict) -> list[str]:
    script = home / f"example_{block.doc.replace('/', '_')}_{block.line}.py"
    script.write_text(block.code + "\n", encoding="utf-8")
    done = subprocess.run([sys.executable, script.name], cwd=home, env=env, capture_output=True, text=True,
                          timeout=300)
    return [] if done.returncode == 0 else [f"{block.where()}: exited {done.returncode}\n{done.stderr[-3000:]}"]


def sql_statements(code: str) -> list[str]:
    statements, current = [], ""
    for line in code.splitlines():
        current += line + "\n"
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return statements


def run_sql(block: Block, home: Path, env: dict) -> list[str]:
    conn = sqlite3.connect(home / "store" / "scraper.db")
    problems = []
    try:
        for statement in sql_statements(block.code):
            try:
                conn.execute(statement).fetchall()
            except sqlite3.Error as exc:
                problems.append(f"{block.where()}: {exc}\n{statement}")
    finally:
        conn.close()
    return problems


def run_toml(block: Block, home: Path, env: dict) -> list[str]:
    from scraper.crawl.config import config_from_dict

    try:
        config_from_dict(tomllib.loads(block.code), file=block.where())
    except Exception as exc:  # noqa: BLE001 - reported with the block's place
        return [f"{block.where()}: {exc}"]
    return []


RUNNERS = {"sh": run_shell, "python": run_python, "sql": run_sql, "toml": run_toml}


@pytest.mark.parametrize("doc", DOCS)
def test_every_example_runs(world, doc):
    """The blocks of one document, in order (later ones use what earlier ones made)."""
    home, env = world
    problems = []
    ran = 0
    for block in ALL_BLOCKS:
        if block.doc == doc and block.lang in RUNNERS and not block.skip:
            problems += RUNNERS[block.lang](block, home, env)
            ran += 1
    assert ran
    assert not problems, "\n\n".join(problems)


def test_the_examples_made_what_they_say(world):
    """A few outputs of the README's examples, checked for content, not just exit codes."""
    home, _ = world
    docs = [json.loads(line) for line in (home / "docs.jsonl").read_text(encoding="utf-8").splitlines()]
    assert docs and all(d["text"] for d in docs)
    out = sorted(p.name for p in (home / "out").iterdir())
    assert "www.example.gov.cn_Item_15832.md" in out and "page.md" in out


def test_the_web_archive_examples_made_what_they_say(world):
    """README "Web archives": the crawl's WARC, cleaned, imported, batched and merged, holds the crawl."""
    home, _ = world
    archived = [json.loads(line) for line in (home / "archived.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(archived) >= 40 and all(d["url"].startswith(SITE) for d in archived)
    assert len(list((home / "shards").glob("*.parquet"))) == len(list((home / "warc").glob("*.warc.gz"))) >= 1

    def docs(name: str) -> set:
        conn = sqlite3.connect(home / name)
        try:
            return set(conn.execute("SELECT url, text FROM documents"))
        finally:
            conn.close()

    crawled = docs("archived.db")
    assert len(crawled) >= 40
    assert docs("imported.db") == docs("merged.db") == docs("all.db") == docs("imported-py.db") == crawled
