"""Time scraper.clean() per page next to bare trafilatura.extract() in the same run.

Both get the raw bytes and the URL, so both decode, parse and extract: ours also
reads Chinese metadata and normalises the text. Prints per-set totals, medians and
the ratio (target: ours <= 1.0x trafilatura).

    python tests/benchmarks/bench_clean.py [DATA.jsonl.gz ...] [--repeat 3]

Defaults to the four development sets zh-dev, zh2-dev, en-dev and wcxb-dev (devdata.py:
$SCRAPER_DEV_DATA or ../shared/data);
without them it says which files are missing and exits 2.
"""

from __future__ import annotations

import argparse
import base64
import gc
import gzip
import json
import statistics
import time
from pathlib import Path

import trafilatura

import scraper
from devdata import data_dir, require

DEFAULT_SETS = ("zh-dev", "zh2-dev", "en-dev", "wcxb-dev")  # looked for in data_dir()


def load(path: Path) -> list[tuple[bytes, str | None]]:
    pages = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            raw = base64.b64decode(r["raw_b64"]) if r.get("raw_b64") else r["html"].encode("utf-8")
            pages.append((raw, r.get("url") or None))
    return pages


def ours(raw: bytes, url: str | None) -> None:
    try:
        scraper.clean(raw, url)
    except scraper.ScraperError:
        pass


def theirs(raw: bytes, url: str | None) -> None:
    trafilatura.extract(raw, url=url)


def time_each(func, pages, repeat: int) -> list[float]:
    """Best of `repeat` runs per page, in milliseconds (the least disturbed run)."""
    out = []
    for raw, url in pages:
        best = float("inf")
        for _ in range(repeat):
            t0 = time.perf_counter()
            func(raw, url)
            best = min(best, time.perf_counter() - t0)
        out.append(best * 1000)
    return out


def report(name: str, pages, repeat: int) -> tuple[float, float]:
    for raw, url in pages[:5]:  # warm up imports and caches
        ours(raw, url)
        theirs(raw, url)
    gc.collect()
    a = time_each(ours, pages, repeat)
    b = time_each(theirs, pages, repeat)
    print(f"{name}: {len(pages)} pages")
    print(f"  scraper.clean      total {sum(a):8.1f} ms  median {statistics.median(a):6.2f} ms/page")
    print(f"  trafilatura.extract total {sum(b):8.1f} ms  median {statistics.median(b):6.2f} ms/page")
    print(f"  ratio (total) {sum(a) / sum(b):.2f}x   ratio (median) {statistics.median(a) / statistics.median(b):.2f}x")
    return sum(a), sum(b)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", nargs="*", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    sets = require(args.data or [data_dir() / f"{name}.jsonl.gz" for name in DEFAULT_SETS], "bench_clean.py")
    totals = [report(p.name, load(p), args.repeat) for p in sets]
    ours_total = sum(t[0] for t in totals)
    theirs_total = sum(t[1] for t in totals)
    print(f"all sets: ratio {ours_total / theirs_total:.2f}x (target <= 1.00x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
