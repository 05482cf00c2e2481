#!/usr/bin/env python3
"""Screenshot Datasette searching a store, as a person would see it.

    .venv/bin/python scripts/datasette_screenshot.py [--query 疫情] [--out docs/datasette-search.png]

Serves fixtures/site/ on loopback, crawls it into a fresh store, starts Datasette
(with the scraper plugin) on 127.0.0.1, and has headless Chromium (Debian's
`chromium` package, with a Chinese font: `apt-get install chromium fonts-wqy-microhei`) take a screenshot of the documents
table searched for QUERY (a 2-character word by default). Everything runs on
loopback; Chromium gets a fresh profile and its background networking turned off.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.request
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "fixtures" / "site"))

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars", "--force-device-scale-factor=1"]


def crawl_fixture_site(db: Path) -> None:
    """The demo crawl (`make demo`), in this process."""
    import serve  # fixtures/site/serve.py

    from scraper.crawl.config import config_from_dict
    from scraper.crawl.runner import run_crawl
    from scraper.store import Store

    server = serve.start(port=0)
    try:
        config = config_from_dict(tomllib.loads(serve.crawl_config(server.origin)))
        with Store.open(db) as store:
            summary = run_crawl(config, store, workers=0)
        print(f"crawled {summary.fetched} pages into {db}", file=sys.stderr)
    finally:
        server.shutdown()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, deadline: float = 60.0) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if process.poll() is not None:
            raise SystemExit(f"datasette exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"datasette did not answer {url} within {deadline:.0f} s")


def screenshot(url: str, out: Path, size: str) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("chromium not found: apt-get install chromium")
    fonts = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout if shutil.which("fc-list") else ""
    if not fonts.strip():
        print("warning: no Chinese font installed, characters will show as boxes "
              "(apt-get install fonts-wqy-microhei)", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        cmd = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--window-size={size}",
               f"--screenshot={out}", url]
        subprocess.run(cmd, check=True, capture_output=True, timeout=120)
    print(f"wrote {out} ({out.stat().st_size:,} bytes)", file=sys.stderr)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--query", default="疫情", help="what to search for (default: a 2-character word)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "datasette-search.png")
    parser.add_argument("--size", default="1200,1250", help="window size WIDTH,HEIGHT")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="scraper-shot-") as tmp:
        db = Path(tmp) / "scraper.db"
        crawl_fixture_site(db)
        port = free_port()
        datasette = subprocess.Popen([sys.executable, "-m", "datasette", "serve", str(db), "--host", "127.0.0.1",
                                      "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_up(f"{base}/-/versions.json", datasette)
            args.out.parent.mkdir(parents=True, exist_ok=True)
            screenshot(f"{base}/scraper/documents?_search={quote(args.query)}", args.out, args.size)
        finally:
            datasette.terminate()
            datasette.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
