"""Benchmark of the SQLite store (issue "The SQLite store"; issue 11, "Store at scale").

Fills a fresh store with N realistic documents (default 100,000) and prints, in the
same run: the insert rate and its ratio to an anchor (sqlite-utils `insert_all` of
the same documents into a table with a plain FTS5 unicode61 index, kept by
triggers), database size per document (with a breakdown), and search latency
p50/p95 for 1-, 2- and 4-character Chinese queries and English words, next to a
`LIKE '%q%'` scan of the same store (speed-up = LIKE p95 / search p95), with the
documents found compared to LIKE's on a sample.

Documents are built from the fixture pages' expected texts (fixtures/pages/*.json,
falling back to tests/store_corpus.py): 3-10 paragraphs drawn at random, with place
names, numbers and dates varied, each stored with a raw HTML body made from a real
fixture page, through the public `Store.bulk_load` path (`--path save_many`: the
crawler's batches of 1,000), compression, hashes, change log and index included.
Items are generated 20,000 at a time outside the timed calls, for both sides.

    .venv/bin/python tests/benchmarks/bench_store.py            # 100,000 documents
    .venv/bin/python tests/benchmarks/bench_store.py --docs 1000000 --like-runs 10
    .venv/bin/python tests/benchmarks/bench_store.py --docs 20000 --queries 20 --path save_many
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from scraper.models import Document, PageRecord  # noqa: E402
from scraper.store import Store  # noqa: E402
from scraper.store.fts import CJK_CLASS  # noqa: E402

PLACES = ("通渭县 会宁县 临洮县 甘谷县 陇西县 定西市 天水市 兰州市 白银市 武威市 张掖市 酒泉市 庆阳市 平凉市 "
          "雄安新区 长沙市 株洲市 湘潭市 衡阳市 岳阳市 常德市 宿州市 阜阳市 滁州市 六安市 玉树州 海东市 西宁市 "
          "洛门镇 城关镇 马营镇 鸡川镇 榜罗镇 义岗镇 陇城镇 新阳镇 磐安镇 大石乡").split()
CJK_RUN = re.compile(f"[{CJK_CLASS}]+")
PLACE_RE = re.compile("|".join(sorted(PLACES, key=len, reverse=True)))


def load_sources() -> tuple[list[str], list[str], list[bytes]]:
    """Chinese paragraphs, English paragraphs and raw HTML templates from the fixtures."""
    zh, en, html = [], [], []
    for path in sorted((ROOT / "fixtures" / "pages").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        paras = [p for p in (data.get("text") or "").split("\n") if len(p) > 15]
        (en if path.name.startswith("en-") else zh).extend(paras)
        page = path.with_suffix(".html")
        if page.exists():
            html.append(page.read_bytes())
    if not zh:
        from store_corpus import RAW

        zh = [p for r in RAW if r["lang"].startswith("zh") for p in r["text"].split("\n")]
        en = [p for r in RAW if r["lang"] == "en" for p in r["text"].split("\n")]
    html = html or [b"<html><body>" + b"<div class='nav'>nav</div>" * 300 + b"</body></html>"]
    return zh, en, html


def vary(paragraph: str, rng: random.Random) -> str:
    paragraph = PLACE_RE.sub(lambda m: rng.choice(PLACES), paragraph)
    return re.sub(r"\d+", lambda m: str(rng.randint(1, 3000)), paragraph)


def make_item(i: int, rng: random.Random, zh: list[str], en: list[str], html: list[bytes]):
    english = rng.random() < 0.05 and en
    pool = en if english else zh
    paras = [vary(rng.choice(pool), rng) for _ in range(rng.randint(3, 10))]
    title = paras[0][: rng.randint(12, 28)] if not english else paras[0][:60]
    date = f"20{rng.randint(18, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    site = f"www.{rng.choice(['tongwei', 'huining', 'lintao', 'gangu', 'dingxi', 'xiongan', 'hunan', 'yushu'])}.gov.cn"
    url = f"http://{site}/art/{date.replace('-', '/')}/art_{i}.html"
    doc = Document(url=url, title=title, text="\n".join(paras), date=date, lang="en" if english else "zh",
                   source=rng.choice(["县委组织部", "县融媒体中心", "新华社", "人民网", None]))
    body = rng.choice(html) + "".join(f"<p>{p}</p>" for p in paras).encode("utf-8")
    page = PageRecord(url=url, final_url=url, status=200, content_type="text/html", body=body,
                      fetched_at="2024-05-19T08:00:00Z", encoding="utf-8", encoding_source="header")
    return page, doc


SLICE = 20_000  # items generated ahead of each timed call (generation is not timed)


def slices(n: int, seed: int):
    """The benchmark's items, SLICE at a time; the same seed gives the same items."""
    zh, en, html = load_sources()
    rng = random.Random(seed)
    for start in range(0, n, SLICE):
        yield [make_item(i, rng, zh, en, html) for i in range(start, min(n, start + SLICE))]


class Anchor:
    """sqlite-utils `insert_all` of the same documents into a table with a plain FTS5
    (unicode61) index kept by triggers, as a sqlite-utils user would build it
    (with_body: the raw HTML too, as our store keeps it)."""

    def __init__(self, path: Path, with_body: bool = False):
        import sqlite_utils

        self.db = sqlite_utils.Database(path)
        self.db.conn.execute("PRAGMA journal_mode = WAL")
        self.path, self.with_body = path, with_body
        self.table = self.db["documents"]
        columns = {"url": str, "site": str, "title": str, "date": str, "lang": str, "source": str,
                   "text_hash": str, "text": str}
        self.table.create({**columns, "body": bytes} if with_body else columns, pk="url")
        self.table.enable_fts(["title", "text"], create_triggers=True, tokenize="unicode61")

    def insert(self, items) -> None:
        rows = [{"url": d.url, "site": p.url.split("/")[2], "title": d.title, "date": d.date, "lang": d.lang,
                 "source": d.source, "text_hash": d.text_hash, "text": d.text,
                 **({"body": p.body} if self.with_body else {})} for p, d in items]
        self.table.insert_all(rows, batch_size=1000)

    def close(self) -> int:
        self.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.db.close()
        return self.path.stat().st_size


class Clock:
    """Wall time and this process's CPU time (all threads) spent in timed blocks."""

    def __init__(self) -> None:
        self.wall = self.cpu = 0.0

    def __enter__(self) -> "Clock":
        self._w, self._c = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc) -> None:
        self.wall += time.perf_counter() - self._w
        self.cpu += time.process_time() - self._c


def fill(store: Store, n: int, seed: int, path: str, anchors: dict[str, Anchor]) -> tuple[Clock, dict, int]:
    """Insert n items through `Store.bulk_load` or `Store.save_many` (batches of 1,000), each
    slice right after the anchors insert it (so load on the machine hits both alike)."""
    ours, theirs, chars, done = Clock(), {name: Clock() for name in anchors}, 0, 0
    loader = store.bulk_load() if path == "bulk" else store.bulk() if path == "deferred" else None
    bulk = loader.__enter__() if path == "bulk" else None
    if path == "deferred":
        loader.__enter__()
    for items in slices(n, seed):
        chars += sum(len(d.text) for _, d in items)
        for name, anchor in anchors.items():
            with theirs[name]:
                anchor.insert(items)
        with ours:
            if bulk is not None:
                bulk.save_many(items)
            elif path == "deferred":  # Store.bulk(): one transaction, index by INSERT ... SELECT at the end
                for page, doc in items:
                    store.save(page, doc)
            else:
                for k in range(0, len(items), 1000):
                    store.save_many(items[k : k + 1000])
        done += len(items)
        if done < n and done % 100_000 == 0:
            print(f"  ... {done:,} documents, {done / ours.wall:,.0f}/s", flush=True)
    if loader is not None:
        with ours:
            loader.__exit__(None, None, None)  # the last chunk and its index
    return ours, theirs, chars


def pick_queries(store: Store, k: int, seed: int) -> dict[str, list[str]]:
    """Queries sampled from stored text (so they are found), plus a few absent ones."""
    rng = random.Random(seed)
    texts = [r[0] for r in store.conn.execute("SELECT text FROM documents WHERE lang = 'zh' ORDER BY random() LIMIT 500")]
    runs = [r for t in texts for r in CJK_RUN.findall(t) if len(r) >= 4]
    out: dict[str, list[str]] = {"1-char": [], "2-char": [], "4-char": []}
    for label, n in (("1-char", 1), ("2-char", 2), ("4-char", 4)):
        while len(out[label]) < k:
            run = rng.choice(runs)
            s = rng.randint(0, len(run) - n)
            out[label].append(run[s : s + n])
    out["4-char"][-1] = "疫情防控工作"[:4]
    out["English word"] = ["vaccine", "council", "rural", "investment", "park", "query", "programme", "bus",
                           "membership", "playground", "million", "index", "walks", "service", "funding",
                           "government", "plan", "public", "school", "transport"][:k]
    return out


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def measure(store: Store, queries: dict[str, list[str]], like_runs: int) -> None:
    conn = store.conn
    print("\nsearch = Store.search(q, limit=20) (ranked, snippets); speed-up = LIKE p95 / search p95")
    print(f"{'query class':<13} {'search p50':>10} {'p95':>8} {'count p95':>9} {'LIKE p50':>9} {'p95':>8} "
          f"{'speed-up':>8} {'hits p50':>8}  recall vs LIKE")
    for label, qs in queries.items():
        search_t, count_t, like_t, hits, exact = [], [], [], [], 0
        for q in qs:
            store.search(q)  # warm the page cache for this query's terms
            t0 = time.perf_counter()
            store.search(q, limit=20)
            search_t.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            hits.append(store.count(q))
            count_t.append((time.perf_counter() - t0) * 1000)
        for q in qs[:like_runs]:
            t0 = time.perf_counter()
            like = {r[0] for r in conn.execute(
                "SELECT id FROM documents WHERE title LIKE ? OR text LIKE ?", (f"%{q}%", f"%{q}%"))}
            like_t.append((time.perf_counter() - t0) * 1000)
            fts = {r[0] for r in conn.execute(
                "SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?", (store_expr(q),))}
            if label == "English word":  # words, not substrings: compare with a word-boundary filter
                word = re.compile(rf"(?<![A-Za-z0-9]){re.escape(q)}(?![A-Za-z0-9])", re.I)
                like = {i for i in like if word.search(
                    " ".join(conn.execute("SELECT coalesce(title,''), text FROM documents WHERE id = ?", (i,)).fetchone()))}
            exact += fts == like
        speed = pct(like_t, 95) / pct(search_t, 95)
        print(f"{label:<13} {pct(search_t, 50):>8.1f}ms {pct(search_t, 95):>6.1f}ms {pct(count_t, 95):>7.1f}ms "
              f"{pct(like_t, 50):>7.0f}ms {pct(like_t, 95):>6.0f}ms {speed:>7.0f}x {statistics.median(hits):>8.0f}"
              f"  {exact}/{len(like_t)} identical" + (" (word-boundary LIKE)" if label == "English word" else ""))


def store_expr(q: str) -> str:
    from scraper.store.query import parse_query

    return parse_query(q).expression


def sizes(store: Store, n: int) -> None:
    conn = store.conn
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    total = store.path.stat().st_size
    print(f"\ndatabase: {total / 1e6:,.1f} MB = {total / n / 1024:.2f} KiB per document")
    parts = conn.execute(
        "SELECT CASE WHEN name LIKE 'documents_fts%' THEN 'search index' WHEN name LIKE 'pages%' OR "
        "name LIKE 'sqlite_autoindex_pages%' THEN 'pages (raw bodies)' WHEN name LIKE 'documents%' THEN "
        "'documents (text)' ELSE 'other' END AS part, sum(pgsize) FROM dbstat GROUP BY part ORDER BY 2 DESC"
    ).fetchall()
    for part, size in parts:
        print(f"  {part:<20} {size / n / 1024:6.2f} KiB/doc")


def codecs(html: list[bytes]) -> None:
    import zstandard

    zc = zstandard.ZstdCompressor(level=1)
    raw = sum(map(len, html))
    for name, fn in (("zlib-6", lambda b: zlib.compress(b, 6)), ("zstd-1", zc.compress)):
        t0 = time.perf_counter()
        for _ in range(20):
            out = sum(len(fn(b)) for b in html)
        ms = (time.perf_counter() - t0) * 1000 / 20
        print(f"  {name}: {raw / out:.2f}x smaller, {raw / 1e6 / (ms / 1000):,.0f} MB/s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=40, help="queries per class")
    ap.add_argument("--like-runs", type=int, default=20, help="LIKE scans per class")
    ap.add_argument("--db", type=Path, help="store path (default: a temporary file)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--insert-only", action="store_true", help="skip the size and search measurements")
    ap.add_argument("--path", choices=("bulk", "deferred", "save_many"), default="bulk",
                    help="insert through Store.bulk_load (chunks), Store.bulk + save (one transaction, "
                         "deferred index: what scraper merge uses) or Store.save_many (the crawler's batches)")
    ap.add_argument("--no-anchor", action="store_true", help="skip the sqlite-utils anchors")
    ap.add_argument("--no-body-anchor", action="store_true", help="skip the anchor that also keeps raw HTML")
    args = ap.parse_args()
    path = args.db or Path(tempfile.mkdtemp(prefix="bench_store_")) / "scraper.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    print(f"store: {path}\nbody codecs on the fixture pages:")
    codecs(load_sources()[2])
    anchors = {}
    if not args.no_anchor:
        anchors["sqlite-utils insert_all + FTS5 unicode61"] = Anchor(path.with_name("sqlite-utils.db"))
        if not args.no_body_anchor:
            anchors["the same + raw HTML body column"] = Anchor(path.with_name("sqlite-utils-body.db"), with_body=True)
    n = args.docs
    with Store.open(path) as store:
        print(f"inserting {n:,} documents through Store.{dict(bulk='bulk_load', deferred='bulk + save').get(args.path, args.path)}"
              + (", slice by slice after the anchors" if anchors else "") + " ...", flush=True)
        ours, theirs, chars = fill(store, n, args.seed, args.path, anchors)
        print(f"\ninsert: {n / ours.wall:,.0f} documents/s ({ours.wall:.1f} s wall, "
              f"{ours.cpu / n * 1e6:,.0f} us CPU/doc; {chars / n:,.0f} characters/doc)")
        for name, clock in theirs.items():
            size = anchors[name].close()
            print(f"  {name}: {n / clock.wall:,.0f} documents/s ({clock.wall:.1f} s, {clock.cpu / n * 1e6:,.0f} us CPU/doc, "
                  f"{size / n / 1024:.2f} KiB/doc) -> ours / theirs: {clock.wall / ours.wall:.2f}x wall, "
                  f"{clock.cpu / ours.cpu:.2f}x CPU" + (" (target >= 0.7x)" if "body" not in name else ""))
        if args.insert_only:
            return
        sizes(store, args.docs)
        measure(store, pick_queries(store, args.queries, args.seed), args.like_runs)


if __name__ == "__main__":
    main()
