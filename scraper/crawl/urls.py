"""URL normalisation, scope and trap guards: pure functions for the crawl frontier.

`normalize_url` is the frontier's dedup key: w3lib's `canonicalize_url` does the
heavy lifting (sorted query, canonical percent-encoding, IDNA host, no fragment,
dot segments), and we add what it leaves: default ports, session ids, tracking
parameters and sort orders (`?sort=date`, `?orderby=title&order=desc`). The query filter is hand-written because courlan's decodes values as
UTF-8 (it corrupts GBK-encoded '?q=%D6%D0', common on Chinese sites) and w3lib's
`url_query_cleaner` matches names case-sensitively (PHPSESSID / phpsessid).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Iterable
from urllib.parse import urljoin, urlsplit, urlunsplit

from courlan.filters import extension_filter
from w3lib.url import canonicalize_url

from .classify import PageStats, classify, classify_with_reason, page_stats  # noqa: F401  (re-exported)

try:
    from courlan.clean import TRACKERS_RE as _COURLAN_TRACKERS
except ImportError:  # pragma: no cover - courlan moved it
    _COURLAN_TRACKERS = re.compile(r"^(?:utm|mc|ga)_|^(?:fb|g|msc)clid$")

SESSION_PARAMS = frozenset({
    "jsessionid", "phpsessid", "sid", "sessionid", "session_id", "sessid", "sess_id", "cfid", "cftoken",
    "aspsessionid", "zenid", "oscsid", "wicket:interface",
})
_EXTRA_TRACKERS = re.compile(r"^(?:spm|scm|from_?source|share_?(?:token|from)|isappinstalled)$")
# Sorting a list page shows the same items in another order: one page, one frontier
# URL. 'order' / 'dir' alone are dropped only with a direction value (order=123 may be an id).
_SORT_PARAMS = re.compile(r"^(?:sort|order)_?(?:by|field|key|type|order|dir|direction|mode)?$|^orderby$|^sort\w*$", re.I)
_DIRECTION_PARAMS = re.compile(r"^(?:order|dir|direction|asc|desc)$", re.I)
_DIRECTIONS = frozenset({"asc", "desc", "ascending", "descending", "up", "down", "0", "1"})
_PATH_SESSION = re.compile(r";(?:jsessionid|phpsessid|sid|sessionid)=[^/?#;]*", re.IGNORECASE)
_ASPNET_SESSION = re.compile(r"/\([A-Z]\([A-Za-z0-9_-]{10,}\)\)(?=/)")
_EXTRA_PAGE_EXTENSIONS = (".jhtml", ".psp", ".jspx", ".shtm", ".action")


def _drop_param(name: str) -> bool:
    key = name.lower()
    return (
        key in SESSION_PARAMS
        or key.startswith("aspsessionid")
        or bool(_COURLAN_TRACKERS.search(key))
        or bool(_EXTRA_TRACKERS.match(key))
    )


def _is_sort(name: str, value: str) -> bool:
    if _SORT_PARAMS.match(name) and not _DIRECTION_PARAMS.match(name):
        return True
    return bool(_DIRECTION_PARAMS.match(name)) and value.lower() in _DIRECTIONS


def _clean_query(query: str) -> str:
    kept = []
    for pair in query.split("&"):
        name, _, value = pair.partition("=")
        if pair and not _drop_param(name) and not _is_sort(name, value):
            kept.append(pair)
    return "&".join(kept)


def normalize_url(url: str, base: str | None = None) -> str:
    """The canonical form used as the frontier key: two URLs of one page give one string."""
    url = url.strip()
    if base:
        url = urljoin(base, url)
    url = _ASPNET_SESSION.sub("", _PATH_SESSION.sub("", url))
    parts = urlsplit(url)
    url = urlunsplit((parts.scheme, parts.netloc, parts.path, _clean_query(parts.query), ""))
    url = canonicalize_url(url, keep_fragments=False)
    parts = urlsplit(url)
    netloc = parts.netloc
    if (parts.scheme, parts.port) in (("http", 80), ("https", 443)):
        netloc = netloc.rsplit(":", 1)[0]
    return urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))


def host_allowed(netloc: str, allowed: Iterable[str]) -> bool:
    """'www.x.cn' against entries like 'www.x.cn', '*.x.cn' / '.x.cn' (the domain and
    its subdomains) or 'localhost:8000' (an entry with a port also checks the port)."""
    netloc = netloc.lower()
    host = netloc.rsplit(":", 1)[0] if re.search(r":\d+$", netloc) else netloc
    for entry in allowed:
        entry = entry.lower()
        target = netloc if re.search(r":\d+$", entry) else host
        if entry.startswith(("*.", ".")):
            domain = entry.lstrip("*").lstrip(".")
            if target == domain or target.endswith("." + domain):
                return True
        elif target == entry:
            return True
    return False


def looks_like_page(url: str) -> bool:
    """False for links to files that are not web pages (.pdf, .doc, .jpg, .zip, ...)."""
    path = urlsplit(url).path.lower()
    return path.endswith(_EXTRA_PAGE_EXTENSIONS) or extension_filter(path)


@dataclass(frozen=True)
class Scope:
    """Which URLs belong to a site: allowed hosts, then exclude, then include (re.search)."""

    hosts: tuple[str, ...]
    include: tuple[re.Pattern[str], ...] = ()
    exclude: tuple[re.Pattern[str], ...] = ()

    @classmethod
    def from_site(cls, site: object) -> "Scope":
        return cls(site.allowed_hosts, site.include, site.exclude)  # type: ignore[attr-defined]

    def reason(self, url: str) -> str | None:
        """Why `url` is out of scope, or None when it is in."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return f"not http(s): {parts.scheme or '(no scheme)'}"
        if not host_allowed(parts.netloc, self.hosts):
            return f"host not allowed: {parts.hostname}"
        for pattern in self.exclude:
            if pattern.search(url):
                return f"excluded by {pattern.pattern!r}"
        if self.include and not any(p.search(url) for p in self.include):
            return "matches no include pattern"
        return None

    def __contains__(self, url: str) -> bool:
        return self.reason(url) is None

    def allows_host(self, url: str) -> bool:
        """May the crawler send a request to `url`'s host at all (patterns aside)?"""
        return host_allowed(urlsplit(url).netloc, self.hosts)


@dataclass(frozen=True)
class TrapLimits:
    """Where a URL starts looking like a crawler trap rather than a page."""

    max_length: int = 2048
    max_path_depth: int = 15
    max_segment_repeats: int = 2
    max_query_params: int = 10
    max_years_ahead: int = 1
    min_year: int = 1990


_YMD_SEGMENTS = re.compile(r"/((?:19|20|21)\d\d)/(\d\d?)(?:/(\d\d?))?(?=/|$)")
_Y_MMDD = re.compile(r"/((?:19|20|21)\d\d)/(\d\d)(\d\d)(?=/)")
_Y_M_D_DASH = re.compile(r"(?<![\d])((?:19|20|21)\d\d)-(\d\d)(?:-(\d\d))?(?!\d)")
_YYYYMMDD = re.compile(r"(?<![\d])((?:19|20|21)\d\d)(\d\d)(\d\d)(?!\d)")
_YEAR_SEGMENT = re.compile(r"/((?:19|20|21)\d\d)(?=/|$|\.)")
_CALENDAR_WORDS = re.compile(r"calendar|rili|riqi|archive|events?|schedule|date|day|month|year", re.I)
_DATE_PARAM = re.compile(
    r"^(?:d|y|m|ym|ymd|rq|to|from|\w*(?:date|day|month|year|riqi|time)\w*|(?:start|end|begin)\w*)$", re.I
)
_DATE_VALUE = re.compile(r"^((?:19|20|21)\d\d)(?:-?(\d\d)(?:-?(\d\d))?)?$")
_SESSION_LEFT = re.compile(r";jsessionid=|\(S\(|[?&](phpsessid|jsessionid|sid|sessionid)=", re.I)


def _valid_date(year: str, month: str | None, day: str | None) -> bool:
    return (month is None or 1 <= int(month) <= 12) and (day is None or 1 <= int(day) <= 31)


def _dates_in(url: str) -> list[tuple[int, int | None]]:
    """(year, month) of every date-looking part: path segments, 8-digit runs, date params."""
    parts = urlsplit(url)
    found: list[tuple[int, int | None]] = []
    for rx in (_YMD_SEGMENTS, _Y_MMDD, _Y_M_D_DASH, _YYYYMMDD):
        for m in rx.finditer(parts.path):
            if _valid_date(m[1], m[2], m.group(3)):
                found.append((int(m[1]), int(m[2])))
    if _CALENDAR_WORDS.search(parts.path):
        found += [(int(m[1]), None) for m in _YEAR_SEGMENT.finditer(parts.path)]
    for pair in parts.query.split("&"):
        name, _, value = pair.partition("=")
        m = _DATE_VALUE.match(value)
        if m and _DATE_PARAM.match(name) and _valid_date(m[1], m[2], m[3]):
            found.append((int(m[1]), int(m[2]) if m[2] else None))
    return found


def trap_reason(url: str, limits: TrapLimits = TrapLimits(), today: date | None = None) -> str | None:
    """Why `url` looks like a crawler trap (endless calendar, looping relative links,
    session ids, parameter explosions), or None. Meant for normalised URLs."""
    if len(url) > limits.max_length:
        return f"URL too long ({len(url)} > {limits.max_length} characters)"
    if _SESSION_LEFT.search(url):
        return "session id in URL"
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) > limits.max_path_depth:
        return f"path too deep ({len(segments)} > {limits.max_path_depth} segments)"
    for seg in dict.fromkeys(segments):
        count = segments.count(seg)
        if count > limits.max_segment_repeats:
            return f"path segment {seg!r} repeated {count} times"
    names = [p.split("=", 1)[0] for p in parts.query.split("&") if p]
    if len(names) > limits.max_query_params:
        return f"too many query parameters ({len(names)} > {limits.max_query_params})"
    for name in dict.fromkeys(names):
        if names.count(name) > limits.max_segment_repeats:
            return f"query parameter {name!r} repeated {names.count(name)} times"
    year_now = (today or date.today()).year
    for year, month in _dates_in(url):
        when = f"{year}-{month:02d}" if month else str(year)
        if year > year_now + limits.max_years_ahead:
            return f"calendar date far ahead ({when})"
        if year < limits.min_year:
            return f"calendar date far back ({when})"
    return None
