"""Web archives in and out: read WARC/ARC files (`iter_archive`), write a crawl's
exchanges as WARC/1.1 (`WarcWriter`), store archived pages as a crawl would
(`import_archives`). warcio is imported when a function runs.

    from scraper.warc import import_archives
    from scraper.store import Store
    with Store.open("store/scraper.db") as store:
        summary = import_archives(["crawl-00000.warc.gz"], store)   # = scraper import
"""

from __future__ import annotations

from typing import Any

_EXPORTS = {
    "iter_archive": "records", "read_page_at": "records", "is_archive_path": "records",
    "WarcPage": "records", "Skipped": "records", "html_verdict": "records",
    "WarcWriter": "writer", "recover_directory": "writer",
    "import_archives": "ingest", "process_fetched": "ingest", "ImportSummary": "ingest",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f"{__name__}.{module}"), name)
