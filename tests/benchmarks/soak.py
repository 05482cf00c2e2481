"""The full SIGKILL soak (the suite runs a smaller one: tests/test_soak.py).

    .venv/bin/python tests/benchmarks/soak.py [--articles 2000] [--kills 10] [--seed 1]

1. `scraper crawl` of a 2,000-article loopback site (20 columns), SIGKILLed 10 times at
   random moments, then run to its end;
2. every document made stale, then `scraper reextract` killed 10 times and run to its end;
3. `scraper clean --save` of 2,000 files killed 10 times and run to its end.
After each: PRAGMA integrity_check, every URL once in pages, every document once,
one 'new' change per document, each killed run `interrupted`, the last `ok`; after the
crawl every article is found by search exactly once; after reextract every document
was rewritten exactly once. Prints one line per command; exit 1 on any problem.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from crawlkit import article, list_page  # noqa: E402
from httpserv import RawServer, page  # noqa: E402
from soak import article_paths, check_search, soak_clean_save, soak_crawl, soak_reextract, stale_documents  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--columns", type=int, default=20)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    results = []
    with tempfile.TemporaryDirectory() as tmp, RawServer() as srv:
        tmp_path = Path(tmp)
        paths = article_paths(args.articles)
        cols = [f"/col/col{c}/index.html" for c in range(args.columns)]
        srv.route("/", page(list_page(cols)))
        for c, col in enumerate(cols):
            srv.route(col, page(list_page(paths[c::args.columns])))
        for i, path in enumerate(paths):
            srv.route(path, page(article(i)))
        db, sites = tmp_path / "crawl.db", tmp_path / "sites.toml"
        sites.write_text(f'[crawl]\nconcurrency = 16\ndelay = 0\nsite_concurrency = 16\nmax_pages = 100000\n\n'
                         f'[[sites]]\nname = "soak"\nseeds = ["{srv.url("/")}"]\n', encoding="utf-8")
        crawled = soak_crawl(db, sites, args.articles, 1 + args.columns, args.kills, rng)
        check_search(db, crawled, {f"第{i}号文章": srv.url(p) for i, p in enumerate(paths)})
        results.append(crawled)
        print(crawled.line(), flush=True)
        stale_documents(db)
        redone = soak_reextract(db, args.articles, args.articles + 1 + args.columns, args.kills, rng)
        results.append(redone)
        print(redone.line(), flush=True)
        pages = tmp_path / "pages"
        pages.mkdir()
        for i in range(args.articles):
            (pages / f"a{i:05d}.html").write_bytes(article(i))
        saved = soak_clean_save(tmp_path / "clean.db", pages, args.articles, args.kills, rng)
        results.append(saved)
        print(saved.line(), flush=True)
    return 1 if any(r.problems for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
