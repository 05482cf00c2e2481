"""Start-up time of the `scraper` command: `--version`, `--help` and `<cmd> --help`.

    .venv/bin/python tests/benchmarks/bench_startup.py [--runs 15]

Each figure is the median wall time of N fresh processes, next to `python -c pass`
measured in the same run (the anchor: what any Python program costs to start on
this machine, now). "eager imports" is what the CLI used to load before it printed
anything (the library, the store, the crawler, trafilatura, numpy, sqlite-utils):
the before-style figure. Target: `--version` and `--help` under 0.3 s. Not a test:
a loaded machine gives slower figures; compare with the anchor.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent
EAGER = ("import scraper.cli, scraper.pipeline, scraper.store, scraper.crawl.runner, "
         "scraper.sources.http, trafilatura, numpy, sqlite_utils")
CASES = [
    ("python -c pass (anchor)", [sys.executable, "-c", "pass"]),
    ("eager imports (before)", [sys.executable, "-c", EAGER]),
    ("scraper --version", [str(BIN / "scraper"), "--version"]),
    ("scraper --help", [str(BIN / "scraper"), "--help"]),
    ("scraper search --help", [str(BIN / "scraper"), "search", "--help"]),
    ("scraper clean --help", [str(BIN / "scraper"), "clean", "--help"]),
]


def median_seconds(cmd: list[str], runs: int) -> float:
    times = []
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "0"}
    subprocess.run(cmd, capture_output=True, env=env, check=True)  # warm the page cache and .pyc
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, capture_output=True, env=env, check=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    anchor = None
    print(f"{'command':<28} {'median':>8} {'x anchor':>9} {'minus anchor':>13}")
    for label, cmd in CASES:
        seconds = median_seconds(cmd, args.runs)
        anchor = anchor or seconds
        print(f"{label:<28} {seconds:>7.3f}s {seconds / anchor:>8.1f}x {seconds - anchor:>12.3f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
