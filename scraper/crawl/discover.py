"""Where new URLs come from: links in pages, sitemaps (index, urlset, .gz, text) and
RSS / Atom feeds. Pure parsing, plus `walk_sitemaps` with the fetching injected.

XML from the web is hostile input: it is parsed by lxml with entities left
unresolved, no DTD loading, no network and no huge-tree mode, after a size cap,
so a billion-laughs file or an external entity cannot blow up or leak.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from typing import Any, AsyncIterator, Awaitable, Callable, Iterable, Literal
from urllib.parse import urljoin, urlsplit, urlunsplit

import lxml.html
from lxml import etree

from ..errors import ResponseTooLargeError, ScraperError
from ..sources.decompress import gunzip_bounded

log = logging.getLogger(__name__)

MAX_LISTING_BYTES = 50 * 1024 * 1024  # the sitemaps.org limit, uncompressed
_SKIP_SCHEMES = re.compile(r"^\s*(?:javascript|mailto|tel|sms|data|ftp|file|about|callto|weixin):", re.I)
_FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml",
                         "text/xml"})
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Link:
    """A link found in a page: absolute URL without fragment, anchor text, rel=nofollow."""

    url: str
    text: str = ""
    nofollow: bool = False
    tag: str = "a"


@dataclass(frozen=True)
class Entry:
    """A URL listed by a sitemap or feed; `date` is ISO 8601 (lastmod / published)."""

    url: str
    date: str | None = None
    title: str | None = None


ListingKind = Literal["sitemapindex", "urlset", "rss", "atom", "text", "unknown"]


@dataclass(frozen=True)
class Listing:
    """A parsed sitemap or feed. For a sitemap index, entries are child sitemaps."""

    kind: ListingKind
    entries: tuple[Entry, ...] = ()


def _tree(page: Any) -> Any:
    if isinstance(page, (str, bytes)):
        return lxml.html.document_fromstring(page or "<html></html>")
    return page


def base_url_of(tree: Any, page_url: str) -> str:
    """`<base href>` resolved against the page URL, else the page URL."""
    for href in tree.xpath("//base/@href")[:1]:
        href = href.strip()
        if href and not _SKIP_SCHEMES.match(href):
            return urljoin(page_url, href)
    return page_url


def resolve(base: str, href: str | None) -> str | None:
    """An absolute http(s) URL without fragment, or None for links that go nowhere."""
    if not href:
        return None
    href = href.strip()
    if not href or href.startswith("#") or _SKIP_SCHEMES.match(href):
        return None
    try:
        parts = urlsplit(urljoin(base, href))
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))


def page_links(page: Any, page_url: str) -> list[Link]:
    """Links of <a>/<area href> and <frame>/<iframe src>, once each, in page order.

    `page` is an lxml HTML tree (parse once, share it) or the HTML text.
    """
    tree = _tree(page)
    base = base_url_of(tree, page_url)
    seen: dict[str, Link] = {}
    for el in tree.iter("a", "area", "frame", "iframe"):
        url = resolve(base, el.get("href") if el.tag in ("a", "area") else el.get("src"))
        if url is None or url in seen:
            continue
        rel = (el.get("rel") or "").lower().split()
        text = _SPACE.sub(" ", el.text_content() if el.tag == "a" else el.get("alt") or "").strip()[:200]
        seen[url] = Link(url, text, "nofollow" in rel, el.tag)
    return list(seen.values())


def feed_links(page: Any, page_url: str) -> list[str]:
    """Feeds a page announces with <link rel="alternate" type="application/rss+xml">."""
    tree = _tree(page)
    base = base_url_of(tree, page_url)
    found = []
    for el in tree.iter("link"):
        rel = (el.get("rel") or "").lower().split()
        kind = (el.get("type") or "").lower().split(";")[0].strip()
        if "alternate" in rel and kind in _FEED_TYPES:
            url = resolve(base, el.get("href"))
            if url and url not in found:
                found.append(url)
    return found


def sitemap_candidates(site_url: str, robots_sitemaps: Iterable[str] = ()) -> list[str]:
    """Where to look for sitemaps: robots.txt `Sitemap:` lines, then /sitemap.xml."""
    parts = urlsplit(site_url)
    default = f"{parts.scheme}://{parts.netloc}/sitemap.xml"
    return list(dict.fromkeys([*robots_sitemaps, default]))


def to_iso(value: str | None) -> str | None:
    """W3C datetime, RFC 3339 or RFC 822 (RSS pubDate) -> ISO 8601; None if unreadable."""
    if not value or not value.strip():
        return None
    value = value.strip()
    if re.fullmatch(r"\d{4}-\d\d-\d\d", value):
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).isoformat()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(value).isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    match = re.match(r"(\d{4})-(\d\d)-(\d\d)", value)
    return "-".join(match.groups()) if match else None


_XML_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=True,
    remove_comments=True, remove_pis=True,
)


def _local(el: Any) -> str:
    return etree.QName(el).localname.lower() if isinstance(el.tag, str) else ""


def _child_text(el: Any, *names: str) -> str | None:
    for child in el:
        if _local(child) in names and child.text and child.text.strip():
            return child.text.strip()
    return None


def _sitemap_entries(root: Any, item: str, base: str) -> tuple[Entry, ...]:
    out = []
    for el in root:
        if _local(el) != item:
            continue
        url = resolve(base, _child_text(el, "loc"))
        if url:
            date = _child_text(el, "lastmod") or next(
                (d.text for d in el.iter() if _local(d) == "publication_date" and d.text), None)
            out.append(Entry(url, to_iso(date)))
    return tuple(out)


def _rss_entries(root: Any, base: str) -> tuple[Entry, ...]:
    out = []
    for item in root.iter():
        if _local(item) != "item":
            continue
        link = _child_text(item, "link")
        guid = next((g for g in item if _local(g) == "guid" and g.get("isPermaLink", "true") != "false"), None)
        url = resolve(base, link or (guid.text if guid is not None else None))
        if url:
            date = _child_text(item, "pubdate", "date", "published", "updated")
            out.append(Entry(url, to_iso(date), _child_text(item, "title")))
    return tuple(out)


def _atom_entries(root: Any, base: str) -> tuple[Entry, ...]:
    out = []
    for entry in root:
        if _local(entry) != "entry":
            continue
        links = [l for l in entry if _local(l) == "link" and l.get("rel", "alternate") == "alternate"]
        url = resolve(base, links[0].get("href")) if links else None
        if url:
            date = _child_text(entry, "published", "updated")
            out.append(Entry(url, to_iso(date), _child_text(entry, "title")))
    return tuple(out)


def parse_listing(body: bytes, url: str = "", *, max_bytes: int = MAX_LISTING_BYTES) -> Listing:
    """A sitemap index, urlset, RSS 2.0 / RDF, Atom feed or text sitemap; .gz is unpacked
    (bounded). Unknown or broken input gives kind "unknown" with no entries."""
    if body[:2] == b"\x1f\x8b":
        body = gunzip_bounded(body, max_bytes, "sitemap")
    if len(body) > max_bytes:
        raise ResponseTooLargeError(f"sitemap too large: more than {max_bytes} bytes", url)
    stripped = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped[:4].lower() == b"http":  # a text sitemap: one URL per line
        lines = (line.strip() for line in stripped.decode("utf-8", "replace").splitlines())
        urls = (resolve(url, line) for line in lines if re.match(r"https?://\S+$", line, re.I))
        return Listing("text", tuple(Entry(u) for u in urls if u))
    try:
        root = etree.fromstring(stripped, _XML_PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return Listing("unknown")
    if root is None:
        return Listing("unknown")
    kind = _local(root)
    if kind == "sitemapindex":
        return Listing("sitemapindex", _sitemap_entries(root, "sitemap", url))
    if kind == "urlset":
        return Listing("urlset", _sitemap_entries(root, "url", url))
    if kind in ("rss", "rdf"):
        return Listing("rss", _rss_entries(root, url))
    if kind == "feed":
        return Listing("atom", _atom_entries(root, url))
    return Listing("unknown")


async def walk_sitemaps(
    fetch: Callable[[str], Awaitable[bytes]],
    urls: Iterable[str],
    *,
    max_files: int = 50,
    on_error: Callable[[str, Exception], None] | None = None,
) -> AsyncIterator[Entry]:
    """Page URLs from sitemaps, following sitemap indexes breadth-first.

    `fetch(url) -> body` is injected (the runner passes one going through its
    Fetcher, so robots and politeness apply). At most `max_files` sitemaps are read;
    a sitemap that fails is reported to `on_error` and skipped.
    """
    queue = list(dict.fromkeys(urls))
    seen = set(queue)
    read = 0
    while queue and read < max_files:
        url = queue.pop(0)
        read += 1
        try:
            listing = parse_listing(await fetch(url), url)
        except ScraperError as exc:
            log.info("sitemap %s skipped: %s", url, exc)
            if on_error:
                on_error(url, exc)
            continue
        if listing.kind == "sitemapindex":
            for entry in listing.entries:
                if entry.url not in seen:
                    seen.add(entry.url)
                    queue.append(entry.url)
        else:
            for entry in listing.entries:
                yield entry
