"""What the typed blocks cost: the share of clean() spent deriving `Document.blocks`,
and each renderer's time next to clean(), in the same run on the same pages.

The derivation (extract/structure.py `body_blocks`) is timed inside each clean() call,
so the share does not depend on how busy the machine is. Renderers are timed on the
documents clean() returned, with links and images on (the most work).

    python tests/benchmarks/bench_structure.py [DATA.jsonl.gz ...] [--repeat 3]

Defaults to the development sets (devdata.py: $SCRAPER_DEV_DATA or ../shared/data);
without them it says which files are missing and exits 2.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import scraper
import scraper.extract.page as page
from bench_clean import DEFAULT_SETS, load
from devdata import data_dir, require

FORMATS = ("markdown", "html", "json", "xml")


class _Timed:
    """Wraps body_blocks, adding up the time spent in it."""

    def __init__(self, func):
        self.func, self.spent = func, 0.0

    def __call__(self, *args, **kwargs):
        t0 = time.perf_counter()
        try:
            return self.func(*args, **kwargs)
        finally:
            self.spent += time.perf_counter() - t0


def measure(pages, repeat: int) -> tuple[list[float], list[float], dict[str, list[float]], int]:
    """Per page: best clean() ms, the blocks' ms in that best run, each renderer's best ms."""
    timed = _Timed(page.body_blocks)
    page.body_blocks = timed
    cleans, blocks, renders = [], [], {fmt: [] for fmt in FORMATS}
    options = scraper.RenderOptions(links=True, images=True)
    failed = 0
    for raw, url in pages:
        best, best_blocks, doc = float("inf"), 0.0, None
        for _ in range(repeat):
            timed.spent = 0.0
            t0 = time.perf_counter()
            try:
                doc = scraper.clean(raw, url)
            except scraper.ScraperError:
                doc = None
            spent = time.perf_counter() - t0
            if spent < best:
                best, best_blocks = spent, timed.spent
        cleans.append(best * 1000)
        blocks.append(best_blocks * 1000)
        if doc is None:
            failed += 1
            continue
        for fmt in FORMATS:
            t = float("inf")
            for _ in range(repeat):
                t0 = time.perf_counter()
                scraper.render(doc, fmt, options)
                t = min(t, time.perf_counter() - t0)
            renders[fmt].append(t * 1000)
    page.body_blocks = timed.func
    return cleans, blocks, renders, failed


def report(name: str, pages, repeat: int) -> tuple[float, float]:
    cleans, blocks, renders, failed = measure(pages, repeat)
    print(f"{name}: {len(pages)} pages ({failed} without content)")
    print(f"  clean()           total {sum(cleans):8.1f} ms  median {statistics.median(cleans):6.2f} ms/page")
    print(f"  of which blocks   total {sum(blocks):8.1f} ms  median {statistics.median(blocks):6.3f} ms/page"
          f"  = {sum(blocks) / sum(cleans):.1%} of clean()")
    for fmt, times in renders.items():
        if times:
            print(f"  render {fmt:<9}  total {sum(times):8.1f} ms  median {statistics.median(times):6.3f} ms/page"
                  f"  = {sum(times) / sum(cleans):.1%} of clean()")
    return sum(cleans), sum(blocks)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", nargs="*", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    sets = require(args.data or [data_dir() / f"{name}.jsonl.gz" for name in DEFAULT_SETS], "bench_structure.py")
    totals = [report(p.name, load(p), args.repeat) for p in sets]
    clean_total, blocks_total = sum(t[0] for t in totals), sum(t[1] for t in totals)
    print(f"all sets: the blocks take {blocks_total / clean_total:.1%} of clean() "
          f"(clean() without them: {clean_total - blocks_total:.0f} ms; with: {clean_total:.0f} ms; "
          f"ratio {clean_total / (clean_total - blocks_total):.3f}x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
