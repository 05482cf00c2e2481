"""The crawl's TOML site list, read into frozen dataclasses and validated on load.

Every problem becomes one `ConfigError` naming the file, the key path and what is
wrong, e.g. "sites.toml: sites[2].include[0]: bad regular expression '(': missing ),
unterminated subpattern at position 0". The checker is hand-written (a few typed
getters) instead of a schema library: it adds no dependency and gives exactly
these messages. See fixtures/sites.example.toml for every key, documented.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

from ..durations import parse_duration  # the one duration parser (re-exported for callers of config)
from ..errors import ConfigError
from ..sources.http import FetchLimits, default_user_agent
from . import bounds
from .politeness import Politeness

_SIZES = {"": 1, "b": 1, "kb": 1024, "mb": 1024**2, "gb": 1024**3}
_HOST = re.compile(r"^(\*\.|\.)?[a-z0-9\u0080-\uffff]([a-z0-9\u0080-\uffff.-]*[a-z0-9\u0080-\uffff])?(:\d+)?$")


def duration_within(maximum: float = bounds.MAX_DURATION) -> Callable[[Any], float]:
    """parse_duration, refusing anything longer than `maximum` seconds."""
    return lambda value: bounds.duration(parse_duration(value), value, maximum)


def parse_size(value: str | int) -> int:
    """'20MB' -> 20971520; also '512KB', '1GB' or plain bytes."""
    if isinstance(value, bool):
        raise ValueError("expected a size like '20MB', got a boolean")
    if isinstance(value, int):
        if value <= 0:
            raise ValueError("a size must be positive")
        return value
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([kmg]?b?)", value.strip().lower())
    if not match:
        raise ValueError(f"expected a size like '512KB' or '20MB', got {value!r}")
    return int(float(match[1]) * _SIZES[match[2] if match[2] in _SIZES else match[2] + "b"])


@dataclass(frozen=True)
class SiteConfig:
    """One site to crawl. Durations are seconds; patterns are compiled regexes (re.search)."""

    name: str
    seeds: tuple[str, ...]
    allowed_hosts: tuple[str, ...]
    include: tuple[re.Pattern[str], ...] = ()
    exclude: tuple[re.Pattern[str], ...] = ()
    max_depth: int = 5
    max_pages: int = 1000
    delay: float = 1.0
    concurrency: int = 2
    body_selector: str | None = None
    revisit_lists: float = 6 * 3600.0
    revisit_articles: float = 30 * 86400.0
    sitemaps: bool = True
    feeds: tuple[str, ...] = ()
    article_urls: tuple[re.Pattern[str], ...] = ()
    list_urls: tuple[re.Pattern[str], ...] = ()


@dataclass(frozen=True)
class CrawlConfig:
    """Global settings plus the sites; `path` is where it was read from."""

    sites: tuple[SiteConfig, ...]
    concurrency: int = 16
    user_agent: str = field(default_factory=default_user_agent)
    obey_robots: bool = True
    limits: FetchLimits = field(default_factory=FetchLimits)
    revisit_lists: float = 6 * 3600.0
    revisit_articles: float = 30 * 86400.0
    page_cpu_limit: float = 60.0
    path: Path | None = None
    warc_dir: Path | None = None  # write every exchange as WARC/1.1 here (scraper/warc/writer.py)

    @property
    def politeness(self) -> Politeness:
        return Politeness(concurrency=self.concurrency, obey_robots=self.obey_robots)

    def site(self, name: str) -> SiteConfig:
        for site in self.sites:
            if site.name == name:
                return site
        raise KeyError(name)


_MISSING = object()


class _Table:
    """Typed access to one TOML table; remembers which keys were used."""

    def __init__(self, file: str, prefix: str, data: Any):
        self.file, self.prefix = file, prefix
        if not isinstance(data, dict):
            self.fail("", f"expected a table, got {_kind(data)}")
        self.data: dict[str, Any] = data
        self.used: set[str] = set()

    def key(self, name: str) -> str:
        return f"{self.prefix}.{name}" if self.prefix else name

    def fail(self, name: str, problem: str) -> None:
        where = self.key(name) if name else (self.prefix or "(top level)")
        raise ConfigError(f"{self.file}: {where}: {problem}")

    def get(self, name: str, check: Callable[[Any], Any], default: Any = _MISSING) -> Any:
        self.used.add(name)
        if name not in self.data:
            if default is _MISSING:
                self.fail(name, "missing (required)")
            return default
        try:
            return check(self.data[name])
        except _Bad as bad:
            self.fail(name + bad.suffix, bad.problem)
        except (ValueError, TypeError) as exc:
            self.fail(name, str(exc))

    def finish(self) -> None:
        for name in self.data:
            if name not in self.used:
                close = difflib.get_close_matches(name, sorted(self.used), n=1)
                self.fail(name, "unknown key" + (f" (did you mean {close[0]!r}?)" if close else ""))


class _Bad(Exception):
    """A problem inside a list item: `suffix` is '[3]'."""

    def __init__(self, suffix: str, problem: str):
        self.suffix, self.problem = suffix, problem


def _kind(value: Any) -> str:
    names = {bool: "a boolean", int: "an integer", float: "a number", str: "a string", list: "a list",
             dict: "a table"}
    return names.get(type(value), type(value).__name__) + (f" {value!r}" if isinstance(value, (str, int)) else "")


def _typed(*types: type, what: str) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if isinstance(value, bool) and bool not in types or not isinstance(value, types):
            raise TypeError(f"expected {what}, got {_kind(value)}")
        return value
    return check


_int = _typed(int, what="an integer")
_any_num = _typed(int, float, what="a number")
_str = _typed(str, what="a string")
_bool = _typed(bool, what="true or false")


def _positive(check: Callable[[Any], Any], minimum: float = 1, maximum: float | None = None) -> Callable[[Any], Any]:
    def inner(value: Any) -> Any:
        value = check(value)
        if value < minimum:
            raise ValueError(f"must be at least {minimum:g}, got {value}")
        if maximum is not None and value > maximum:
            raise ValueError(f"must be at most {maximum:g}, got {value}")
        return value
    return inner


def _num(value: Any) -> float:
    return bounds.finite(_any_num(value))


def _size(value: Any) -> int:
    return bounds.size_limit(parse_size(value), value)


def _user_agent(value: Any) -> str:
    return bounds.user_agent(_str(value))


def _list_of(item: Callable[[Any], Any]) -> Callable[[Any], tuple]:
    def check(value: Any) -> tuple:
        if not isinstance(value, list):
            raise TypeError(f"expected a list, got {_kind(value)}")
        out = []
        for i, element in enumerate(value):
            try:
                out.append(item(element))
            except (TypeError, ValueError) as exc:
                raise _Bad(f"[{i}]", str(exc)) from None
        return tuple(out)
    return check


def _regex(value: Any) -> re.Pattern[str]:
    try:
        return re.compile(_str(value))
    except re.error as exc:
        raise ValueError(f"bad regular expression {value!r}: {exc}") from None


def _url(value: Any) -> str:
    parts = urlsplit(_str(value))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an absolute http(s) URL: {value!r}")
    bounds.port(parts.netloc, value)
    return value


def _host(value: Any) -> str:
    host = _str(value).strip().lower()
    if not _HOST.match(host):
        raise ValueError(f"expected a host name like 'www.gov.cn' or '*.gov.cn', got {value!r}")
    bounds.port(host, value)
    return host


def _selector(value: Any) -> str:
    selector = _str(value).strip()
    if not selector:
        raise ValueError("empty CSS selector")
    try:
        from cssselect import GenericTranslator, SelectorError  # optional: checked when installed
    except ImportError:
        return selector
    try:
        GenericTranslator().css_to_xpath(selector)
    except SelectorError as exc:
        raise ValueError(f"bad CSS selector {selector!r}: {exc}") from None
    return selector


_DELAY = _positive(_num, 0, bounds.MAX_DELAY)
_TIMEOUT = _positive(_num, 0.001, bounds.MAX_TIMEOUT)
_DEPTH = _positive(_int, 0, bounds.MAX_DEPTH)
_PAGES = _positive(_int, 1, bounds.MAX_PAGES)
_SITE_CONCURRENCY = _positive(_int, 1, bounds.MAX_SITE_CONCURRENCY)


def _directory(value: Any) -> Path:
    text = _str(value).strip()
    if not text or "\x00" in text:
        raise ValueError("expected a directory path")
    return Path(text).expanduser()


def _cpu_limit(value: Any) -> float:
    """CPU seconds one page may take in a cleaning worker: a duration (bounds.cpu_limit)."""
    return bounds.cpu_limit(parse_duration(value), value)


def _limits(table: _Table, user_agent: str) -> FetchLimits:
    base = FetchLimits(user_agent=user_agent)
    limits = FetchLimits(
        connect_timeout=table.get("connect_timeout", _TIMEOUT, base.connect_timeout),
        read_timeout=table.get("read_timeout", _TIMEOUT, base.read_timeout),
        total_timeout=table.get("total_timeout", _TIMEOUT, base.total_timeout),
        max_wire_bytes=table.get("max_wire_bytes", _size, base.max_wire_bytes),
        max_body_bytes=table.get("max_body_bytes", _size, base.max_body_bytes),
        max_redirects=table.get("max_redirects", _positive(_int, 0, bounds.MAX_REDIRECTS), base.max_redirects),
        user_agent=user_agent,
    )
    table.finish()
    return limits


def _site(table: _Table, defaults: dict[str, Any]) -> SiteConfig:
    name = table.get("name", _str)
    seeds = table.get("seeds", _list_of(_url))
    if not seeds:
        table.fail("seeds", "needs at least one URL")
    seed_hosts = tuple(dict.fromkeys(urlsplit(s).hostname or "" for s in seeds))
    hosts = table.get("allowed_hosts", _list_of(_host), seed_hosts)
    site = SiteConfig(
        name=name,
        seeds=seeds,
        allowed_hosts=hosts,
        include=table.get("include", _list_of(_regex), ()),
        exclude=table.get("exclude", _list_of(_regex), ()),
        max_depth=table.get("max_depth", _DEPTH, defaults["max_depth"]),
        max_pages=table.get("max_pages", _PAGES, defaults["max_pages"]),
        delay=table.get("delay", _DELAY, defaults["delay"]),
        concurrency=table.get("concurrency", _SITE_CONCURRENCY, defaults["site_concurrency"]),
        body_selector=table.get("body_selector", _selector, None),
        revisit_lists=table.get("revisit_lists", duration_within(), defaults["revisit_lists"]),
        revisit_articles=table.get("revisit_articles", duration_within(), defaults["revisit_articles"]),
        sitemaps=table.get("sitemaps", _bool, True),
        feeds=table.get("feeds", _list_of(_url), ()),
        article_urls=table.get("article_urls", _list_of(_regex), ()),
        list_urls=table.get("list_urls", _list_of(_regex), ()),
    )
    table.finish()
    from .urls import host_allowed  # late: urls imports nothing from here, but keep config light

    for key, urls in (("seeds", seeds), ("feeds", site.feeds)):  # nothing is fetched outside allowed_hosts
        for i, url in enumerate(urls):
            if not host_allowed(urlsplit(url).netloc, hosts):
                table.fail(f"{key}[{i}]", f"host of {url!r} is not in allowed_hosts")
    return site


def config_from_dict(data: dict[str, Any], file: str = "<config>") -> CrawlConfig:
    """Validate an already-parsed TOML document (tests, or configs built in code)."""
    top = _Table(file, "", data)
    crawl = _Table(file, "crawl", top.get("crawl", lambda v: v, {}))
    user_agent = crawl.get("user_agent", _user_agent, default_user_agent())
    defaults = {
        "delay": crawl.get("delay", _DELAY, 1.0),
        "site_concurrency": crawl.get("site_concurrency", _SITE_CONCURRENCY, 2),
        "max_depth": crawl.get("max_depth", _DEPTH, 5),
        "max_pages": crawl.get("max_pages", _PAGES, 1000),
        "revisit_lists": crawl.get("revisit_lists", duration_within(), 6 * 3600.0),
        "revisit_articles": crawl.get("revisit_articles", duration_within(), 30 * 86400.0),
    }
    concurrency = crawl.get("concurrency", _positive(_int, 1, bounds.MAX_CONCURRENCY), 16)
    obey_robots = crawl.get("obey_robots", _bool, True)
    page_cpu_limit = crawl.get("page_cpu_limit", _cpu_limit, 60.0)
    warc_dir = crawl.get("warc_dir", _directory, None)
    limits = _limits(_Table(file, "crawl.limits", crawl.get("limits", lambda v: v, {})), user_agent)
    crawl.finish()
    raw_sites = top.get("sites", _typed(list, what="a list of [[sites]] tables"))
    top.finish()
    if not raw_sites:
        top.fail("sites", "no sites: add at least one [[sites]] table")
    sites = tuple(_site(_Table(file, f"sites[{i}]", raw), defaults) for i, raw in enumerate(raw_sites))
    seen: dict[str, int] = {}
    for i, site in enumerate(sites):
        if site.name in seen:
            raise ConfigError(f"{file}: sites[{i}].name: {site.name!r} is already used by sites[{seen[site.name]}]")
        seen[site.name] = i
    return CrawlConfig(
        sites=sites,
        concurrency=concurrency,
        user_agent=user_agent,
        obey_robots=obey_robots,
        limits=limits,
        revisit_lists=defaults["revisit_lists"],
        revisit_articles=defaults["revisit_articles"],
        page_cpu_limit=page_cpu_limit,
        warc_dir=warc_dir,
    )


MAX_CONFIG_BYTES = 1024 * 1024


def _read_text(path: Path) -> str:
    """The file as UTF-8, read at most 1 MB: `/dev/zero` or a mistyped log file must not
    be read for ever (a FIFO such as `<(generate-sites)` still works)."""
    with open(path, "rb") as fh:
        data = fh.read(MAX_CONFIG_BYTES + 1)
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError(f"{path}: larger than 1 MB: not a sites file")
    return data.decode("utf-8")


def load_config(path: str | Path) -> CrawlConfig:
    """Read and validate a sites TOML file; any problem is a `ConfigError`."""
    path = Path(path)
    try:
        data = tomllib.loads(_read_text(path))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    config = config_from_dict(data, str(path))
    return replace(config, path=path)


def config_for_url(url: str, **site: Any) -> CrawlConfig:
    """A one-off crawl without a TOML file (`scraper crawl https://x.cn/`): the seed's
    host is the site and its only allowed host; every other setting is the default.
    `site` may set other [[sites]] keys (e.g. max_pages=200)."""
    host = urlsplit(url).hostname if url.lower().startswith(("http://", "https://")) else None
    if not host:
        raise ConfigError(f"{url}: not an absolute http(s) URL to crawl")
    return config_from_dict({"sites": [{"name": host, "seeds": [url], **site}]}, file="<command line>")
