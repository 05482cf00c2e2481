"""scraper: fetch web pages, decode any charset, remove boilerplate, store clean text.

The public surface is small and lives here; modules behind it are free to change.

    >>> import scraper
    >>> doc = scraper.clean(open("page.html", "rb").read(), "http://example.gov.cn/a.html")
    >>> doc.title, doc.date, doc.text
"""

from .errors import (
    ConfigError,
    CrawlLockedError,
    EmptyInputError,
    FetchError,
    InputError,
    InputTooLargeError,
    NoContentError,
    NotHTMLError,
    QueryError,
    SchemaVersionError,
    ScraperError,
    StoreError,
)
from .models import CleanConfig, Decoded, Document, Fetched, PageRecord
from .pipeline import clean

__version__ = "0.1.0"

__all__ = [
    "clean",
    "CleanConfig",
    "Decoded",
    "Document",
    "Fetched",
    "PageRecord",
    "ScraperError",
    "InputError",
    "EmptyInputError",
    "NotHTMLError",
    "InputTooLargeError",
    "NoContentError",
    "FetchError",
    "ConfigError",
    "StoreError",
    "SchemaVersionError",
    "QueryError",
    "CrawlLockedError",
]
