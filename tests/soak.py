"""The SIGKILL soak: kill a real `scraper crawl`, `scraper reextract` or `scraper clean
--save` process at random moments, run it again until it finishes, then check that
nothing was lost or stored twice and that every killed run is marked `interrupted`.

Used by tests/test_soak.py (a small soak in the suite) and by
tests/benchmarks/soak.py (the full one: 2,000 articles, 10 kills per command).
A kill happens when the store has reached a random number of documents (drawn
between what it holds and its share of what is left), after a random extra 0-50 ms:
so the kills fall at random points of the work, while it runs. A process that
finished before its kill landed is not counted as killed (its run must end `ok`).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARK = "旧版提取器多出的一行"  # reextract soak: a line the current extractor does not produce


@dataclass
class SoakResult:
    command: str
    items: int
    kills: int = 0
    runs: list[str] = field(default_factory=list)
    expected_runs: list[str] = field(default_factory=list)
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    def line(self) -> str:
        verdict = "ok" if not self.problems else "PROBLEMS: " + "; ".join(self.problems)
        return (f"{self.command}: {self.items} items, {self.kills} kills, runs "
                f"{' '.join(self.runs)}, {self.seconds:.1f} s: {verdict}")


def count(db: Path, sql: str, *params) -> int:
    """A count from a read-only connection; 0 while the store does not exist yet."""
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
        try:
            return conn.execute(sql, params).fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def _command(args: list[str]) -> list[str]:
    return [sys.executable, "-m", "scraper", *args]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}


def _last_status(db: Path, kind: str) -> str | None:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
        try:
            row = conn.execute("SELECT status FROM runs WHERE kind = ? ORDER BY id DESC LIMIT 1", (kind,)).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return row[0] if row else None


def kill_and_resume(args: list[str], db: Path, kind: str, progress_sql: str, total: int, kills: int,
                    rng: random.Random, timeout: float = 900.0) -> tuple[list[str], int]:
    """Start `scraper ARGS` and SIGKILL it `kills` times while its run is going, as
    `progress_sql` grows, then run it to its end. Returns the status each run must end
    with ('interrupted' for each kill mid-run, 'ok' for one that had finished first)
    and the exit code of the last run."""
    expected: list[str] = []
    deadline = time.monotonic() + timeout
    while expected.count("interrupted") < kills:
        now = count(db, progress_sql)
        if now >= total - 1:
            break  # nothing left to interrupt
        left = kills - expected.count("interrupted")
        target = now + rng.randint(1, max(1, (total - now) // (left + 1)))  # room for the kills still to do
        proc = subprocess.Popen(_command(args), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=_env())
        while proc.poll() is None and count(db, progress_sql) < target:
            if time.monotonic() > deadline:
                proc.kill()
                raise TimeoutError(f"soak of {args[0]} made no progress")
            time.sleep(0.01)
        if proc.poll() is None:
            time.sleep(rng.uniform(0, 0.05))
            proc.send_signal(signal.SIGKILL)
            proc.wait(30)
        # killed mid-run, its row says running; a run that got to its end committed its status
        expected.append("interrupted" if _last_status(db, kind) == "running" else "ok")
        if expected[-1] == "ok":
            break
    last = subprocess.run(_command(args), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=_env(),
                          timeout=timeout)
    if last.returncode not in (0, 1):
        raise RuntimeError(f"{args[0]} exited {last.returncode}: {last.stderr.decode()[-2000:]}")
    return expected + ["ok"], last.returncode


def check_store(db: Path, result: SoakResult, *, urls: int, documents: int, kind: str,
                new_per_url: int = 1) -> None:
    """The checks every soak ends with: integrity, no URL twice, every document once,
    each document's `new` change once, the runs of `kind` = killed ones interrupted + ok."""
    conn = sqlite3.connect(db)
    try:
        p = result.problems
        if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            p.append("integrity_check failed")
        pages, distinct = conn.execute("SELECT count(*), count(DISTINCT url) FROM pages").fetchone()
        if (pages, distinct) != (urls, urls):
            p.append(f"pages {pages} ({distinct} distinct), expected {urls}")
        docs, distinct = conn.execute("SELECT count(*), count(DISTINCT url) FROM documents").fetchone()
        if (docs, distinct) != (documents, documents):
            p.append(f"documents {docs} ({distinct} distinct), expected {documents}")
        news = conn.execute("SELECT count(*), coalesce(min(n), 0), coalesce(max(n), 0) FROM "
                            "(SELECT url, count(*) AS n FROM changes WHERE kind = 'new' GROUP BY url)").fetchone()
        if news != (documents, new_per_url, new_per_url):
            p.append(f"'new' changes per URL (urls, min, max) = {news}, expected ({documents}, 1, 1)")
        result.runs = [r[0] for r in conn.execute("SELECT status FROM runs WHERE kind = ? ORDER BY id", (kind,))]
        if result.runs != result.expected_runs:
            p.append(f"{kind} runs {result.runs}, expected {result.expected_runs}")
    finally:
        conn.close()


def check_search(db: Path, result: SoakResult, phrases: dict[str, str]) -> None:
    """Each phrase finds exactly its document (the search index holds each once)."""
    sys.path.insert(0, str(ROOT))
    from scraper.store import Store

    with Store.open(db) as store:
        for phrase, url in phrases.items():
            hits = [h.url for h in store.search(f'"{phrase}"', limit=5)]
            if hits != [url]:
                result.problems.append(f"search {phrase!r} -> {hits}, expected [{url}]")
                return


# --- the three soaks ---------------------------------------------------------------------


def article_paths(n: int) -> list[str]:
    return [f"/art/2024/3/{1 + i % 28}/art_{i % 10}_{i}.html" for i in range(n)]


def soak_crawl(db: Path, sites_toml: Path, articles: int, lists: int, kills: int, rng: random.Random) -> SoakResult:
    """`scraper crawl` killed `kills` times, then to its end: every page once, every article a document."""
    result = SoakResult("crawl", articles)
    started = time.monotonic()
    result.expected_runs, code = kill_and_resume(["crawl", str(sites_toml), "--db", str(db), "--quiet"], db,
                                                 "crawl", "SELECT count(*) FROM documents", articles, kills, rng)
    result.seconds = time.monotonic() - started
    result.kills = result.expected_runs.count("interrupted")
    if code != 0:
        result.problems.append(f"the last crawl exited {code}")
    check_store(db, result, urls=articles + lists, documents=articles, kind="crawl")
    return result


def stale_documents(db: Path) -> int:
    """Make every document differ from what the extractor gives (through the Store, so the
    search index follows): reextract then has something to rewrite."""
    sys.path.insert(0, str(ROOT))
    from scraper.store import Store

    with Store.open(db) as store:
        entries = [store.get(url) for (url,) in store.conn.execute("SELECT url FROM documents ORDER BY url")]
        with store.batch():
            for entry in entries:
                stale = replace(entry.document, text=entry.document.text + "\n" + MARK)
                store.save(entry.page, stale)
    return len(entries)


def soak_reextract(db: Path, documents: int, urls: int, kills: int, rng: random.Random) -> SoakResult:
    """`scraper reextract` killed `kills` times, then to its end: every stale document
    re-cleaned once, none lost or doubled, list pages left alone."""
    result = SoakResult("reextract", documents)
    started = time.monotonic()
    progress = f"SELECT count(*) FROM documents WHERE text NOT LIKE '%{MARK}'"
    result.expected_runs, code = kill_and_resume(["reextract", "--db", str(db), "--batch-size", "10"], db,
                                                 "reextract", progress, documents, kills, rng)
    result.seconds = time.monotonic() - started
    result.kills = result.expected_runs.count("interrupted")
    if code != 0:
        result.problems.append(f"the last reextract exited {code}")
    check_store(db, result, urls=urls, documents=documents, kind="reextract")
    left = count(db, f"SELECT count(*) FROM documents WHERE text LIKE '%{MARK}'")
    if left:
        result.problems.append(f"{left} documents not re-extracted")
    # each document: 'changed' once by stale_documents, once by the reextract that fixed it
    twice = count(db, "SELECT count(*) FROM (SELECT url FROM changes WHERE kind = 'changed' "
                      "GROUP BY url HAVING count(*) <> 2)")
    if twice:
        result.problems.append(f"{twice} documents were not rewritten exactly once")
    return result


def soak_clean_save(db: Path, pages_dir: Path, files: int, kills: int, rng: random.Random) -> SoakResult:
    """`scraper clean --save DIR` killed `kills` times, then to its end: every file once."""
    result = SoakResult("clean --save", files)
    started = time.monotonic()
    result.expected_runs, code = kill_and_resume(
        ["clean", "--save", "--db", str(db), "--format", "json", str(pages_dir)], db, "clean",
        "SELECT count(*) FROM documents", files, kills, rng)
    result.seconds = time.monotonic() - started
    result.kills = result.expected_runs.count("interrupted")
    if code != 0:
        result.problems.append(f"the last clean --save exited {code}")
    check_store(db, result, urls=files, documents=files, kind="clean")
    return result
