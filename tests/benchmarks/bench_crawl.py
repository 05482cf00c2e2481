"""End-to-end crawl throughput: `scraper crawl` vs Scrapy + trafilatura, same site, same run.

    .venv/bin/pip install -e '.[bench]'          # scrapy (benchmark-only dependency)
    .venv/bin/python tests/benchmarks/bench_crawl.py [--articles 1900] [--concurrency 16] [--rounds 1]
    .venv/bin/python tests/benchmarks/bench_crawl.py --skip-scrapy --profile /tmp/crawl.prof  # main process

A generated 2,000-page site (1,900 articles in the templates of the fixture pages and
fixtures/site/, each with its own body text, their real encodings; 100 list pages
with pagination) is served by a tiny asyncio HTTP/1.1 keep-alive server in its own
process, so it does not take the crawlers' GIL. Politeness is off for both (no
robots.txt, no delay), concurrency is the same. Each crawler runs in a fresh process:
- ours: `scraper.crawl.run_crawl` (fetch, classify, clean articles in the process
  pool, store pages + documents + search index + frontier in SQLite);
- Scrapy: a CrawlSpider following every link on the site, with an item pipeline
  that runs `trafilatura.extract` on each page and inserts url + text into SQLite.
Then the frontier check: RSS added by enqueueing 200,000 URLs into a store.
Prints pages/s, peak RSS and the CPU the crawler's main process (event loop, fetching,
committing) spends per page: its process CPU time over the run, less the sampling
thread's own; asserts nothing. `--profile FILE` runs our crawl under cProfile timed by
the event-loop thread's CPU time (waits cost nothing; the main process only; its CPU
figures are then inflated by the profiler) and prints the top functions.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import json
import multiprocessing
import random
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "fixtures" / "site"))

ZH = ["县委、县政府高度重视，第{n}次专题研究部署相关工作，成立了由主要领导任组长的工作专班",
      "各乡镇、各部门要切实提高政治站位，把第{n}项任务纳入重要议事日程，明确责任单位和完成时限",
      "今年以来，全县累计完成固定资产投资{n}亿元，同比增长百分之{m}，重点项目建设进展顺利",
      "县农业农村局组织{n}名技术人员深入田间地头，指导农户做好春耕备耕和病虫害防治工作",
      "县市场监管局开展食品安全专项检查，共检查经营主体{n}家，责令整改问题{m}个",
      "要坚持问题导向，聚焦群众急难愁盼问题，第{n}批整改措施要逐项落实、逐项销号",
      "截至目前，全县已建成高标准农田{n}万亩，新建和改造灌溉渠道{m}公里",
      "县人社局举办专场招聘会，{n}家企业提供就业岗位{m}个，现场达成就业意向三百余人",
      "要压紧压实属地责任、部门责任、单位责任，对工作推进不力的第{n}类问题严肃追责问责",
      "县交通运输局加快推进农村公路提质改造，今年计划完成新改建农村公路{n}公里",
      "县生态环境局开展大气污染防治攻坚行动，全县空气质量优良天数达到{n}天",
      "县政务服务中心推行一窗受理，企业群众办事平均时限压缩{m}个工作日，群众满意率达到百分之{n}"]
EN = ["The council approved {n} new projects this spring after a public consultation that drew {m} responses",
      "Officials said the programme would cost about {n} million and take {m} months to complete",
      "Residents raised concerns about traffic on the {n} route, which carries {m} vehicles a day",
      "The department will publish a progress report every {n} weeks, the minister told the committee",
      "Funding of {n} thousand was set aside for rural bus services in {m} districts",
      "Volunteers planted {n} trees along the river path during the weekend, organisers said"]


def _paragraph(rng: random.Random, pool: list[str], zh: bool) -> str:
    picks = rng.sample(pool, 3)
    parts = [p.format(n=rng.randint(2, 9999), m=rng.randint(2, 999)) for p in picks]
    return ("；".join(parts) + "。") if zh else (". ".join(parts) + ".")


def _templates() -> list[dict]:
    """Article templates: fixture pages (whose expected lines are found verbatim) and
    fixtures/site's generated articles. Each knows its codec and which lines to swap."""
    from build_site import generated_articles, render_article, rewrite_links

    from scraper.decode.charset import decode

    out = []
    for js in sorted((ROOT / "fixtures" / "pages").glob("*.json")):
        exp = json.loads(js.read_text(encoding="utf-8"))
        raw = rewrite_links((ROOT / "fixtures" / "pages" / f"{js.stem}.html").read_bytes())
        decoded = decode(raw, exp["content_type"])
        lines = [l for l in exp["text"].split("\n") if len(l) > 20 and html.escape(l, quote=False) in decoded.text]
        if len(lines) >= 0.8 * len([l for l in exp["text"].split("\n") if len(l) > 20]) and lines:
            out.append({"html": decoded.text, "codec": decoded.encoding, "ctype": exp["content_type"] or "text/html",
                        "lines": [html.escape(l, quote=False) for l in lines], "zh": not js.stem.startswith("en-")})
    arts = generated_articles()
    for i, art in enumerate(arts[:6]):
        text = render_article(art, arts[i - 1], arts[i + 1]).decode(art["codec"])
        out.append({"html": text, "codec": art["codec"], "ctype": art["content_type"],
                    "lines": [html.escape(p, quote=False) for p in art["text"]], "zh": True})
    return out


def build_site(articles: int, columns: int = 20) -> dict[str, tuple[bytes, str]]:
    """path -> (body, content type): home, `columns` columns x 5 list pages, the articles."""
    rng = random.Random(42)
    templates = _templates()
    site: dict[str, tuple[bytes, str]] = {}
    per_list = -(-articles // (columns * 5))
    paths = [f"/art/2024/{1 + i % 12}/{1 + i % 28}/art_{101 + i % columns}_{10000 + i}.html" for i in range(articles)]
    for i, path in enumerate(paths):
        t = templates[i % len(templates)]
        text = t["html"]
        for line in t["lines"]:
            text = text.replace(line, html.escape(_paragraph(rng, ZH if t["zh"] else EN, t["zh"])), 1)
        site[path] = (text.encode(t["codec"], "xmlcharrefreplace"), t["ctype"])
    for c in range(columns):
        names = [f"/col/col{101 + c}/index.html"] + [f"/col/col{101 + c}/index_{k}.html" for k in range(1, 5)]
        mine = paths[c::columns]
        for k, name in enumerate(names):
            items = "".join(f'<li><a href="{p}">第{10000 + paths.index(p)}号信息</a></li>'
                            for p in mine[k * per_list:(k + 1) * per_list])
            paging = " ".join(f'<a href="{n}">{j + 1}</a>' for j, n in enumerate(names))
            site[name] = (f"<html><head><meta charset=utf-8><title>栏目{c}</title></head><body>"
                          f"<ul>{items}</ul><div class=paging>{paging}</div></body></html>".encode(), "text/html")
    cols = "".join(f'<li><a href="/col/col{101 + c}/index.html">栏目{c}</a></li>' for c in range(columns))
    home = f"<html><head><meta charset=utf-8><title>首页</title></head><body><ul>{cols}</ul></body></html>"
    site["/"] = site["/index.html"] = (home.encode(), "text/html")
    return site


# --- the server (own process) ------------------------------------------------------------


def serve(site: dict, port_queue) -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                path = head.split(b" ", 2)[1].decode()
                body, ctype = site.get(path, (b"not found", "text/plain"))
                status = "200 OK" if path in site else "404 Not Found"
                writer.write(f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n\r\n"
                             .encode() + body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=1024)
        port_queue.put(server.sockets[0].getsockname()[1])
        await server.serve_forever()

    asyncio.run(main())


# --- measuring --------------------------------------------------------------------------------


class TreeRSS:
    """Peak RSS of this process and of this process plus all its descendants (sampled)."""

    def __init__(self) -> None:
        import psutil

        self.me = psutil.Process()
        self.peak_tree = 0
        self.cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psutil

        self.own_cpu = 0.0  # this sampling thread's CPU, not the crawler's
        started = time.thread_time()
        while not self._stop.wait(0.05):
            self.own_cpu = time.thread_time() - started
            total = 0
            for proc in [self.me, *self.me.children(recursive=True)]:
                try:
                    total += proc.memory_info().rss
                    times = proc.cpu_times()
                    self.cpu[proc.pid] = times.user + times.system
                except psutil.Error:
                    pass
            self.peak_tree = max(self.peak_tree, total)

    def __enter__(self) -> "TreeRSS":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def peak_self_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_ours(base: str, concurrency: int, db: str, workers: int | None, profile: str | None = None) -> dict:
    from scraper.crawl.config import config_from_dict
    from scraper.crawl.runner import run_crawl
    from scraper.store import Store

    cfg = config_from_dict({
        "crawl": {"concurrency": concurrency, "obey_robots": False, "delay": 0, "site_concurrency": concurrency,
                  "max_pages": 100000, "max_depth": 10},
        "sites": [{"name": "bench", "seeds": [base + "/"], "sitemaps": False}],
    })
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile(time.thread_time)  # CPU of the event-loop thread, not waits
    with TreeRSS() as rss, Store.open(db) as store:
        started, cpu_started = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        summary = run_crawl(cfg, store, workers=workers)
        if profiler:
            profiler.disable()
        elapsed, main_cpu = time.perf_counter() - started, time.process_time() - cpu_started
        docs = store.conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    main_cpu -= rss.own_cpu
    if profiler:
        profiler.dump_stats(profile)
    return {"pages": summary.fetched, "documents": docs, "failed": summary.failed, "seconds": elapsed,
            "failed_by_reason": summary.failed_by_reason,
            "rss_main_mb": peak_self_mb(), "rss_tree_mb": rss.peak_tree / 2**20,
            "cpu_main_s": main_cpu, "cpu_workers_s": sum(v for k, v in rss.cpu.items() if k != rss.me.pid)}


def child_scrapy(base: str, concurrency: int, db: str) -> dict:
    import sqlite3

    import trafilatura
    from scrapy.crawler import CrawlerProcess
    from scrapy.linkextractors import LinkExtractor
    from scrapy.spiders import CrawlSpider, Rule

    class SQLitePipeline:
        def open_spider(self, spider):
            self.conn = sqlite3.connect(db)
            self.conn.execute("CREATE TABLE IF NOT EXISTS docs (url TEXT PRIMARY KEY, text TEXT)")
            self.n = 0

        def process_item(self, item, spider):
            text = trafilatura.extract(item["html"], url=item["url"])
            if text:
                self.conn.execute("INSERT OR REPLACE INTO docs VALUES (?, ?)", (item["url"], text))
            self.n += 1
            if self.n % 100 == 0:
                self.conn.commit()
            return None

        def close_spider(self, spider):
            self.conn.commit()
            self.conn.close()

    class SiteSpider(CrawlSpider):
        name = "bench"
        start_urls = [base + "/"]
        rules = (Rule(LinkExtractor(allow=[re.escape(base)]), callback="parse_item", follow=True),)

        def parse_item(self, response):
            yield {"url": response.url, "html": response.text}

    stats: dict = {}
    process = CrawlerProcess(settings={
        "CONCURRENT_REQUESTS": concurrency, "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency, "DOWNLOAD_DELAY": 0,
        "ROBOTSTXT_OBEY": False, "COOKIES_ENABLED": False, "TELNETCONSOLE_ENABLED": False, "LOG_LEVEL": "ERROR",
        "ITEM_PIPELINES": {SQLitePipeline: 300},
    })
    crawler = process.create_crawler(SiteSpider)
    started = time.perf_counter()
    process.crawl(crawler)
    process.start()
    elapsed = time.perf_counter() - started
    stats = crawler.stats.get_stats()
    import sqlite3 as s3

    with s3.connect(db) as conn:
        docs = conn.execute("SELECT count(*) FROM docs").fetchone()[0]
    return {"pages": stats.get("response_received_count", 0), "documents": docs, "failed": 0,
            "seconds": elapsed, "rss_main_mb": peak_self_mb(), "rss_tree_mb": peak_self_mb()}


def child_frontier(n: int, db: str) -> dict:
    import psutil

    from scraper.crawl.frontier import Frontier, NewURL
    from scraper.store import Store

    proc = psutil.Process()
    with Store.open(db) as store:
        frontier = Frontier(store.conn, store.start_run("crawl"))
        before = proc.memory_info().rss
        started = time.perf_counter()
        for start in range(0, n, 1000):
            with store.batch():
                frontier.enqueue("s", (NewURL(f"http://www.example.gov.cn/art/2024/3/5/art_{i % 500}_{i}.html", 2)
                                       for i in range(start, start + 1000)))
        enqueue_s = time.perf_counter() - started
        started = time.perf_counter()
        with store.batch():
            leased = len(frontier.lease("s", 64))
        lease_ms = (time.perf_counter() - started) * 1000
        after = proc.memory_info().rss
        due = frontier.due_count()
    return {"urls": n, "added_mb": (after - before) / 2**20, "enqueue_s": enqueue_s, "lease_ms": lease_ms,
            "leased": leased, "due": due}


# --- driver -----------------------------------------------------------------------------------------


def run_child(kind: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", kind, *args], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"{kind} child failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1900)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--frontier", type=int, default=200_000)
    parser.add_argument("--skip-scrapy", action="store_true")
    parser.add_argument("--profile", default=None, metavar="FILE",
                        help="run our crawl under cProfile, save the stats to FILE and print the top functions")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("args", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        result = {"ours": lambda a: child_ours(a[0], int(a[1]), a[2], None if a[3] == "auto" else int(a[3]),
                                               a[4] if len(a) > 4 else None),
                  "scrapy": lambda a: child_scrapy(a[0], int(a[1]), a[2]),
                  "frontier": lambda a: child_frontier(int(a[0]), a[1])}[args.child](args.args)
        print(json.dumps(result))
        return
    started = time.perf_counter()
    site = build_site(args.articles)
    print(f"site: {len(site) - 1} pages ({sum(len(b) for b, _ in site.values()) / 2**20:.1f} MB), "
          f"built in {time.perf_counter() - started:.1f} s; concurrency {args.concurrency}, politeness off")
    ports = multiprocessing.get_context("fork").Queue()
    server = multiprocessing.get_context("fork").Process(target=serve, args=(site, ports), daemon=True)
    server.start()
    results: dict[str, list[dict]] = {"ours": [], "scrapy": []}
    try:
        base = f"http://127.0.0.1:{ports.get(timeout=30)}"
        with tempfile.TemporaryDirectory() as tmp:
            for r in range(args.rounds):
                workers = "auto" if args.workers is None else str(args.workers)
                profile = [f"{args.profile}.{r}" if args.rounds > 1 else args.profile] if args.profile else []
                results["ours"].append(run_child("ours", base, str(args.concurrency), f"{tmp}/ours{r}.db", workers,
                                                 *profile))
                if not args.skip_scrapy:
                    results["scrapy"].append(run_child("scrapy", base, str(args.concurrency), f"{tmp}/scrapy{r}.db"))
            frontier = run_child("frontier", str(args.frontier), f"{tmp}/frontier.db")
    finally:
        server.terminate()
        server.join(5)
    report(results, frontier)
    if args.profile:
        print_profile(args.profile if args.rounds == 1 else f"{args.profile}.0")


def print_profile(path: str, top: int = 25) -> None:
    """The main process's top functions by own time, then by cumulative time."""
    import pstats

    stats = pstats.Stats(path)
    for key in ("tottime", "cumulative"):
        print(f"--- main process, top {top} by {key} ({path}) ---")
        stats.sort_stats(key).print_stats(top)


def report(results: dict[str, list[dict]], frontier: dict) -> None:
    best = {}
    for name, runs in results.items():
        for r in runs:
            rate = r["pages"] / r["seconds"]
            print(f"{name:7s} {r['pages']:5d} pages ({r['documents']} documents, {r['failed']} failed) in "
                  f"{r['seconds']:6.2f} s = {rate:6.1f} pages/s; peak RSS {r['rss_main_mb']:.0f} MB "
                  f"(with workers {r['rss_tree_mb']:.0f} MB)" + (
                      f"; CPU main {r['cpu_main_s']:.1f} s = {r['cpu_main_s'] * 1000 / max(1, r['pages']):.2f} "
                      f"ms/page (target <= 3), workers {r['cpu_workers_s']:.1f} s" if "cpu_main_s" in r
                      else ""))
            best[name] = max(best.get(name, 0.0), rate)
    if best.get("scrapy"):
        print(f"ratio: ours / scrapy = {best['ours'] / best['scrapy']:.2f}x (target >= 3.0x)")
    print(f"frontier: {frontier['urls']:,} queued URLs added {frontier['added_mb']:.1f} MB RSS (target <= 100 MB); "
          f"enqueue {frontier['enqueue_s']:.1f} s, lease of {frontier['leased']} took {frontier['lease_ms']:.1f} ms, "
          f"due {frontier['due']:,}")


if __name__ == "__main__":
    main()
