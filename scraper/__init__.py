"""scraper: fetch web pages, decode any charset, remove boilerplate, store clean text.

The public surface is small and lives here; modules behind it are free to change.

    >>> import scraper
    >>> doc = scraper.clean(open("page.html", "rb").read(), "http://example.gov.cn/a.html")
    >>> doc.title, doc.date, doc.text
    >>> print(scraper.render(doc, "markdown", scraper.RenderOptions(links=True)))
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
    SelectorMatchedNothingError,
    StoreError,
)
from .models import BodyBlock, CleanConfig, Decoded, Document, Fetched, Link, PageRecord, RenderOptions

__version__ = "0.1.0"

# Loaded on first use: the cleaning code pulls in lxml and trafilatura (~0.5 s), which
# `scraper --version`, `--help` and the store commands never need.
_LAZY = {"clean": "pipeline", "clean_many": "many", "Cleaned": "many", "render": "formats"}


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "clean",
    "clean_many",
    "Cleaned",
    "render",
    "RenderOptions",
    "BodyBlock",
    "Link",
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
    "SelectorMatchedNothingError",
    "FetchError",
    "ConfigError",
    "StoreError",
    "SchemaVersionError",
    "QueryError",
    "CrawlLockedError",
]
