"""Persistence and query over SQLite: schema + migrations, save/get, Chinese
full-text search, export. Knows nothing of HTTP or HTML (store/README.md).

    from scraper.store import Store
    with Store.open("store/scraper.db") as store:
        store.search("疫情")
"""

from .migrations import latest_version, migration
from .query import parse_query
from .records import Change, Entry, ReextractResult, Run, SaveResult, SearchHit, SiteStats, Stats
from .datasette import datasette_metadata
from .store import Store
from .writer import site_of

__all__ = [
    "Store",
    "SaveResult",
    "SearchHit",
    "Change",
    "Entry",
    "Run",
    "Stats",
    "SiteStats",
    "ReextractResult",
    "parse_query",
    "site_of",
    "migration",
    "latest_version",
    "datasette_metadata",
]
