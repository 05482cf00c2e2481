"""`scraper crawl sites.toml --shard I/N`: N machines split one sites file.

A site goes to shard `1 + sha1(key) mod N`, where the key is the smallest host of
its group: sites that share any allowed host are one group, so every host is
crawled from one machine and its politeness (delay, concurrency, robots.txt) holds.
The hash is stable (not Python's salted `hash`), so a site stays on its machine from
run to run, and each machine keeps its own store and cron entry.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace

from ..errors import ConfigError
from .config import CrawlConfig, SiteConfig

_SPEC = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


def parse_shard(spec: str) -> tuple[int, int]:
    """'2/3' -> (2, 3); ConfigError unless 1 <= I <= N."""
    match = _SPEC.match(spec or "")
    if not match:
        raise ConfigError(f"--shard {spec!r}: expected I/N, e.g. 1/3 (this machine's shard I of N)")
    index, count = int(match[1]), int(match[2])
    if count < 1 or not 1 <= index <= count:
        raise ConfigError(f"--shard {spec}: I must be between 1 and N (N at least 1)")
    return index, count


def _host(pattern: str) -> str:
    return pattern.lower().lstrip("*.").split(":", 1)[0]


def _groups(sites: tuple[SiteConfig, ...]) -> dict[str, str]:
    """Site name -> its group key (union of sites sharing a host; the smallest host)."""
    parent = {s.name: s.name for s in sites}

    def find(name: str) -> str:
        while parent[name] != name:
            parent[name] = parent[parent[name]]
            name = parent[name]
        return name

    owner: dict[str, str] = {}
    for site in sites:
        for host in map(_host, site.allowed_hosts):
            if host in owner:
                parent[find(site.name)] = find(owner[host])
            else:
                owner[host] = site.name
    hosts: dict[str, list[str]] = {}
    for site in sites:
        hosts.setdefault(find(site.name), []).extend(map(_host, site.allowed_hosts))
    return {s.name: min(hosts[find(s.name)] or [s.name]) for s in sites}


def shard_of(key: str, count: int) -> int:
    """1-based shard of a group key, the same on every machine and Python version."""
    return 1 + int.from_bytes(hashlib.sha1(key.encode("utf-8")).digest()[:8], "big") % count


def select_shard(config: CrawlConfig, index: int, count: int) -> CrawlConfig:
    """The config with only the sites of shard `index` of `count` (maybe none)."""
    keys = _groups(config.sites)
    return replace(config, sites=tuple(s for s in config.sites if shard_of(keys[s.name], count) == index))
