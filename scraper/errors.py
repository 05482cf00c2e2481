"""Every exception scraper raises on purpose; all derive from `ScraperError`.

Callers catch `ScraperError` to handle any expected failure; the CLI turns these
into one-line messages and exit codes instead of tracebacks.
"""

from __future__ import annotations


class ScraperError(Exception):
    """Root of all scraper errors."""


# --- input given to clean() -------------------------------------------------------


class InputError(ScraperError):
    """The input cannot be cleaned as a web page."""


class EmptyInputError(InputError):
    """The input holds no bytes (or only whitespace)."""


class NotHTMLError(InputError):
    """The input is not a web page (PDF, image, archive, other binary)."""

    def __init__(self, message: str, kind: str | None = None):
        super().__init__(message)
        self.kind = kind


class InputTooLargeError(InputError):
    """The input is larger than the configured limit."""


class NoContentError(InputError):
    """The page was parsed but holds no main content (an index page, a shell)."""


class SelectorMatchedNothingError(NoContentError):
    """The CSS selector given to override body detection matches no element of the page."""


# --- fetching ------------------------------------------------------------------------


class FetchError(ScraperError):
    """A URL could not be fetched."""

    def __init__(self, message: str, url: str | None = None):
        super().__init__(message)
        self.url = url


class HTTPStatusError(FetchError):
    def __init__(self, message: str, url: str | None = None, status: int = 0):
        super().__init__(message, url)
        self.status = status


class ResponseTooLargeError(FetchError):
    """Body or decompressed body exceeded the configured limit."""


class InvalidURLError(FetchError):
    """The URL is not an absolute http(s) URL with a host."""


class RedirectError(FetchError):
    """A redirect that cannot be followed: loop, missing Location, non-http(s) target."""


class TooManyRedirectsError(RedirectError):
    pass


class ContentEncodingError(FetchError):
    """The body's Content-Encoding is unsupported or the compressed data is corrupt."""


class FetchTimeoutError(FetchError):
    pass


class ConnectError(FetchError):
    pass


class ProtocolError(FetchError):
    """The server broke HTTP (oversized headers, bad chunking, a garbled status line);
    asking again gets the same answer, so it is not retried."""


class TruncatedBodyError(ProtocolError):
    """The body ended before its Content-Length or last chunk (cut short, or reset)."""


class RobotsDisallowedError(FetchError):
    pass


class RobotsUnavailableError(FetchError):
    """robots.txt answered 5xx/429 or could not be reached: try this host again later.

    `retry_after` is how many seconds until the crawler will ask again.
    """

    def __init__(self, message: str, url: str | None = None, retry_after: float = 0.0):
        super().__init__(message, url)
        self.retry_after = retry_after


class OutOfScopeError(FetchError):
    """Not requested: the URL (a redirect target, a sitemap, a feed, their robots.txt)
    is on a host outside the site's `allowed_hosts`."""


# --- configuration, store, crawl ----------------------------------------------------


class ConfigError(ScraperError):
    """A configuration file or option is invalid; the message names file, key, problem."""


class StoreError(ScraperError):
    """The SQLite store cannot be used as asked."""


class SchemaVersionError(StoreError):
    """The database was written by a newer scraper than this one."""


class QueryError(StoreError):
    """A search query or filter is malformed."""


class CrawlLockedError(ScraperError):
    """Another crawl run holds the lock on this store."""
