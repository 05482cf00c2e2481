"""Crawling: `run_crawl(config, store) -> RunSummary` and its building blocks (see README.md).

Imports lazily, so `import scraper.crawl` stays cheap for commands that do not crawl.

    from scraper.crawl import load_config, run_crawl
    from scraper.store import Store
    summary = run_crawl(load_config("sites.toml"), Store.open("store/scraper.db"))
"""

from __future__ import annotations

from typing import Any

_EXPORTS = {
    "run_crawl": "runner", "crawl_async": "runner",
    "crawl_locked": "schedule", "crawl_every": "schedule",
    "RunSummary": "summary",
    "load_config": "config", "config_from_dict": "config", "CrawlConfig": "config", "SiteConfig": "config",
    "RunLock": "lock",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f"{__name__}.{module}"), name)
