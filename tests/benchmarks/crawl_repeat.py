"""Is every article stored every time? The same 3,000-article loopback crawl, five times.

    .venv/bin/python tests/benchmarks/crawl_repeat.py [--articles 3000] [--rounds 5] [--concurrency 16]
                                                     [--total-timeout 15] [--server asyncio|threading]

The site is bench_crawl.py's generated one (articles in the templates of the fixture
pages and fixtures/site/, their real encodings, 20 columns x 5 list pages), served in
its own process by bench_crawl's keep-alive asyncio server or, with `--server
threading`, by http.server's ThreadingHTTPServer. Each round runs the real `scraper
crawl` (default workers, politeness off, `total_timeout` 15 s as in the crawls of
issue 8 that lost articles) into a fresh store and counts the article URLs that have
no document. Prints one line per round; exit 1 if any round missed an article.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(Path(__file__).parent)]

from bench_crawl import build_site, serve  # noqa: E402


def serve_threading(site: dict, port_queue) -> None:
    """The standard library's ThreadingHTTPServer (HTTP/1.0, a connection per request,
    listen backlog 5), the kind of server a quick test site runs on."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body, ctype = site.get(self.path, (b"not found", "text/plain"))
            self.send_response(200 if self.path in site else 404)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port_queue.put(server.server_address[1])
    server.serve_forever()


def one_round(base: str, articles: list[str], args: argparse.Namespace, tmp: Path, n: int) -> tuple[int, str]:
    db, sites = tmp / f"r{n}.db", tmp / f"r{n}.toml"
    concurrency = args.concurrency
    sites.write_text(f'[crawl]\nconcurrency = {concurrency}\nsite_concurrency = {concurrency}\ndelay = 0\n'
                     f'obey_robots = false\nmax_pages = 100000\nmax_depth = 10\n'
                     f'[crawl.limits]\ntotal_timeout = {args.total_timeout}\n\n'
                     f'[[sites]]\nname = "repeat"\nseeds = ["{base}/"]\nsitemaps = false\n', encoding="utf-8")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "scraper", "crawl", str(sites), "--db", str(db), "--quiet"],
                          capture_output=True, text=True, cwd=ROOT)
    elapsed = time.perf_counter() - started
    with sqlite3.connect(db) as conn:
        stored = {r[0] for r in conn.execute("SELECT url FROM documents")}
        fetched, failed, reasons, new, lists = conn.execute(
            "SELECT fetched, failed, failed_by_reason, new, lists FROM runs ORDER BY id DESC LIMIT 1").fetchone()
        article_errors = dict(conn.execute(
            "SELECT url, error FROM pages WHERE error IS NOT NULL AND url LIKE '%/art/%' LIMIT 5").fetchall())
    missing = [u for u in articles if u not in stored]
    line = (f"round {n}: exit {done.returncode}, {len(articles) - len(missing)}/{len(articles)} articles stored, "
            f"missing {len(missing)}; fetched {fetched} (new {new}, list pages {lists}), failed {failed} {reasons}, "
            f"{elapsed:.1f} s, {fetched / elapsed:.0f} pages/s")
    if missing:
        line += f"\n  e.g. {missing[:3]} errors {article_errors}"
    return len(missing), line


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--total-timeout", type=float, default=15.0)
    parser.add_argument("--server", choices=["asyncio", "threading"], default="asyncio",
                        help="asyncio: bench_crawl's keep-alive server; threading: http.server's")
    args = parser.parse_args()
    site = build_site(args.articles)
    ports = multiprocessing.Queue()
    target = serve if args.server == "asyncio" else serve_threading
    server = multiprocessing.Process(target=target, args=(site, ports), daemon=True)
    server.start()
    base = f"http://127.0.0.1:{ports.get(timeout=60)}"
    articles = [base + p for p in site if p.startswith("/art/")]
    misses = 0
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for n in range(1, args.rounds + 1):
                missed, line = one_round(base, articles, args, Path(tmp), n)
                misses += missed
                print(line, flush=True)
    finally:
        server.terminate()
    print(f"{args.rounds} rounds of {len(articles)} articles: {misses} missing in all")
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
