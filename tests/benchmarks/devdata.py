"""Where the benchmarks find the development sets, and a clear stop when they are absent.

The sets (zh-dev.jsonl.gz: 54 Chinese pages, en-dev.jsonl.gz: 150 English pages, and
zh2-dev / wcxb-dev, which bench_clean.py reads by default too; one JSON object a line
with `raw_b64` or `html`, and `url`) are not shipped with the
project. They are looked for in $SCRAPER_DEV_DATA, else ../shared/data beside the
repository; a path given on the command line wins.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXIT_NO_DATA = 2


def data_dir() -> Path:
    return Path(os.environ.get("SCRAPER_DEV_DATA") or ROOT.parent / "shared" / "data")


def require(paths: list[Path], what: str) -> list[Path]:
    """The paths, or exit 2 naming each missing file and how to supply it."""
    missing = [p for p in paths if not p.is_file()]
    if missing:
        for p in missing:
            print(f"error: {what}: {p} not found", file=sys.stderr)
        print("The development sets are not shipped with the project: pass their paths as arguments, "
              "or set SCRAPER_DEV_DATA to the directory holding them (zh-dev.jsonl.gz, en-dev.jsonl.gz, ...).",
              file=sys.stderr)
        sys.exit(EXIT_NO_DATA)
    return paths
