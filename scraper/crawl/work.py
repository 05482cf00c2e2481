"""The CPU side of one page, run in a worker process: sniff, decode, parse once,
classify, find links, and clean articles with `scraper.clean`.

Why links are found here and not in the event-loop process: parsing, resolving and
normalising ~100 links per page costs about as much CPU as fetching the page, and
the main process is busy with HTTP and SQLite; here the work spreads over all cores
and only a short list of frontier-ready URLs (normalised, in scope, not traps,
deduplicated) crosses the process boundary. Everything is pure: bytes in, a
`Processed` out; failures come back as (reason, message), never as exceptions.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from ..decode import decode
from ..errors import (
    EmptyInputError,
    InputTooLargeError,
    NoContentError,
    NotHTMLError,
    ScraperError,
)
from ..extract.dom import parse_html
from ..models import CleanConfig, Document
from ..pipeline import clean
from ..decode import ensure_html
from .classify import classify
from .dedup import signature
from .discover import base_url_of, feed_links, resolve
from .urls import Scope, looks_like_page, normalize_url, trap_reason

_CLEAN_ERRORS: tuple[tuple[type[BaseException], str], ...] = (
    (NotHTMLError, "not_html"),
    (EmptyInputError, "empty"),
    (InputTooLargeError, "too_large"),
    (NoContentError, "no_content"),
)


@dataclass(frozen=True)
class SiteRules:
    """What a worker needs to know about the page's site (small, picklable)."""

    scope: Scope
    body_selector: str | None = None
    max_links: int = 2000

    @property
    def clean_config(self) -> CleanConfig:
        return CleanConfig(body_selector=self.body_selector)


@dataclass(frozen=True)
class Processed:
    """A page after the CPU work. `error` = (reason, message) when it could not be used."""

    kind: str | None = None
    document: Document | None = None
    encoding: str | None = None
    encoding_source: str | None = None
    links: tuple[tuple[str, str], ...] = ()  # (frontier key, kind guessed from the URL)
    feeds: tuple[str, ...] = ()
    minhash: bytes = b""
    error: tuple[str, str] | None = None


def error_label(exc: BaseException) -> str:
    """'no_content', 'not_html', ... for clean() failures; snake_case class name otherwise."""
    for cls, label in _CLEAN_ERRORS:
        if isinstance(exc, cls):
            return label
    if isinstance(exc, ScraperError):
        return re.sub(r"(?<!^)(?=[A-Z])", "_", type(exc).__name__.removesuffix("Error")).lower() or "error"
    return "internal"


@functools.lru_cache(maxsize=20_000)
def link_verdict(url: str, rules: SiteRules) -> tuple[str, str] | str | None:
    """(frontier key, kind guess) for a followable link, "trap", or None (not for us).

    Cached per worker: most links of a site (menus, columns, footers) are on every page.
    """
    try:
        key = normalize_url(url)
    except ValueError:
        return None
    if not looks_like_page(key) or key not in rules.scope:
        return None
    if trap_reason(key):
        return "trap"
    return key, classify(key)


def frontier_links(tree: Any, page_url: str, rules: SiteRules) -> tuple[tuple[str, str], ...]:
    """Followable links of a page as (frontier key, kind guess): in scope, page-like, no traps."""
    base = base_url_of(tree, page_url)
    found: dict[str, str] = {}
    for el in tree.iter("a", "area", "frame", "iframe"):
        if el.tag in ("a", "area"):
            href = el.get("href")
            if href is None or "nofollow" in (el.get("rel") or "").lower():
                continue
        else:
            href = el.get("src")
        url = resolve(base, href)
        verdict = link_verdict(url, rules) if url else None
        if isinstance(verdict, tuple) and verdict[0] not in found and len(found) < rules.max_links:
            found[verdict[0]] = verdict[1]
    return tuple(found.items())


def process_page(body: bytes, url: str, content_type: str | None, rules: SiteRules) -> Processed:
    """Everything CPU-bound about one fetched page; never raises."""
    try:
        return _process(body, url, content_type, rules)
    except Exception as exc:  # noqa: BLE001 - one bad page must not end a crawl
        return Processed(error=(error_label(exc), f"{type(exc).__name__}: {exc}"))


def _process(body: bytes, url: str, content_type: str | None, rules: SiteRules) -> Processed:
    try:
        ensure_html(body, content_type)
        decoded = decode(body, content_type)
    except ScraperError as exc:
        return Processed(error=(error_label(exc), str(exc)))
    tree = parse_html(decoded.text or "<html></html>")  # bounded: see dom.cap_attributes
    links = frontier_links(tree, url, rules)
    feeds = tuple(feed_links(tree, url))
    kind = classify(url, tree)
    facts = dict(kind=kind, encoding=decoded.encoding, encoding_source=decoded.encoding_source,
                 links=links, feeds=feeds)
    if kind != "article":
        return Processed(**facts)
    try:
        doc = clean(body, url, content_type=content_type, config=rules.clean_config)
    except ScraperError as exc:
        return Processed(**facts, error=(error_label(exc), str(exc)))
    return Processed(**facts, document=doc, minhash=signature(doc.text))


@dataclass(frozen=True)
class CleanFailure:
    """Why `clean_job` could not clean a page: the error's class name, message and label."""

    error_type: str
    message: str
    label: str


def clean_job(body: bytes, url: str, content_type: str | None, config: CleanConfig) -> Document | CleanFailure:
    """`scraper.clean` for a worker process (`scraper clean` runs each input this way, under
    the pool's CPU limit); failures come back as values, never as exceptions."""
    try:
        return clean(body, url, content_type=content_type, config=config)
    except ScraperError as exc:
        return CleanFailure(type(exc).__name__, str(exc), error_label(exc))
    except Exception as exc:  # noqa: BLE001 - a bug on one page is reported, the batch goes on
        return CleanFailure(type(exc).__name__, f"internal error: {type(exc).__name__}: {exc}", "internal")
