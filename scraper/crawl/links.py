"""Which links of a page the crawl follows: the most valuable ones, within a cap.

A page may carry far more links than are worth following (a tag cloud or calendar of
100,000 links ahead of the article list). Taking the first N in page order would
keep the junk and lose the articles, and resolving and normalising every one costs
seconds of CPU. So links are first read cheaply (href, anchor text, the container
they sit in), deduplicated by href, ranked, and only then resolved and checked, in
rank order, until the cap is full:

1. links in containers whose anchors read like titles (mean anchor text of 8 or more
   characters, outside nav/header/footer-like containers): article lists;
2. links in small groups (at most 50 links): menus, columns (栏目), pagination;
3. everything else (huge groups of short links).

When a tier holds more links than there is room for, they are taken spread evenly
over the page (every k-th, then the ones in between), not from its top. Hand-written:
no library ranks links for a crawler frontier.
"""

from __future__ import annotations

import functools
import re
from typing import Any, Iterator

from .classify import classify
from .discover import base_url_of, resolve
from .urls import host_allowed, looks_like_page, normalize_url, trap_reason

TITLE_CHARS = 8  # mean anchor length of a container of titles (CJK titles are 10-30 characters)
SMALL_GROUP = 50
CHECKS_PER_SLOT = 4  # at most cap * this many links are resolved and checked
_INLINE = frozenset("li td th dd dt span font strong b em i u p h1 h2 h3 h4 h5 h6 small label".split())
_BOILERPLATE = re.compile(r"nav|menu|foot|header|top|bottom|copyright|banner|friend|youqing|links?\b|tag|sitemap",
                          re.I)
_BOILERPLATE_TAGS = frozenset({"nav", "header", "footer", "aside"})
_SPACE = re.compile(r"\s+")
_NOWHERE = re.compile(r"\s*(?:#|javascript:|mailto:|tel:)", re.I)
_ABSOLUTE = re.compile(r"\s*(?:https?:)?//([^/?#\s]*)", re.I)


@functools.lru_cache(maxsize=20_000)
def link_verdict(url: str, rules: Any) -> tuple[str, str] | str | None:
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
    return key, rules.guess_kind(key)


class _Candidate:
    __slots__ = ("href", "pos", "chars", "group")

    def __init__(self, href: str, pos: int, chars: int, group: Any):
        self.href, self.pos, self.chars, self.group = href, pos, chars, group


def _anchor_chars(el: Any) -> int:
    text = el.text if len(el) == 0 else el.text_content()
    if el.tag != "a":
        text = el.get("alt") or el.get("title") or ""
    return len(_SPACE.sub("", text or ""))


def _group_of(el: Any) -> Any:
    """The container a link belongs to: its parent, above inline wrappers like <li>."""
    parent = el.getparent()
    for _ in range(3):
        if parent is None or parent.tag not in _INLINE:
            break
        parent = parent.getparent()
    return parent


def _elsewhere(href: str, hosts: tuple[str, ...]) -> bool:
    """A link that goes nowhere, or to a host out of scope: dropped before it costs anything."""
    if _NOWHERE.match(href):
        return True
    absolute = _ABSOLUTE.match(href)
    return absolute is not None and not host_allowed(absolute[1], hosts)


def _candidates(tree: Any, hosts: tuple[str, ...]) -> list[_Candidate]:
    seen: dict[str, _Candidate] = {}
    for pos, el in enumerate(tree.iter("a", "area", "frame", "iframe")):
        if el.tag in ("a", "area"):
            href = el.get("href")
            if href is None or "nofollow" in (el.get("rel") or "").lower():
                continue
        else:
            href = el.get("src")
        if href and href not in seen and not _elsewhere(href, hosts):
            seen[href] = _Candidate(href, pos, _anchor_chars(el), _group_of(el))
    return list(seen.values())


def _boilerplate(group: Any) -> bool:
    el = group
    for _ in range(6):
        if el is None:
            return False
        if el.tag in _BOILERPLATE_TAGS or _BOILERPLATE.search(f"{el.get('class') or ''} {el.get('id') or ''}"):
            return True
        el = el.getparent()
    return False


def _tiers(found: list[_Candidate]) -> tuple[list[_Candidate], list[_Candidate], list[_Candidate]]:
    sizes: dict[Any, list[int]] = {}
    for c in found:
        size = sizes.setdefault(c.group, [0, 0])
        size[0] += 1
        size[1] += c.chars
    titles = {g for g, (n, chars) in sizes.items() if chars >= TITLE_CHARS * n and not _boilerplate(g)}
    tiers: tuple[list, list, list] = ([], [], [])
    for c in found:
        tier = 0 if c.group in titles else 1 if sizes[c.group][0] <= SMALL_GROUP else 2
        tiers[tier].append(c)
    return tiers


def _spread(items: list[_Candidate], room: int) -> Iterator[_Candidate]:
    """All of `items`, in an order whose every prefix is spread evenly over the page."""
    stride = max(1, -(-len(items) // max(1, room)))
    for offset in range(stride):
        yield from items[offset::stride]


def choose_links(tree: Any, page_url: str, rules: Any) -> tuple[tuple[str, str], ...]:
    """Followable links of a page as (frontier key, kind guess), at most `rules.max_links`,
    the most valuable first (see the module docstring)."""
    cap = rules.max_links
    base = base_url_of(tree, page_url)
    chosen: dict[str, str] = {}
    checks = cap * CHECKS_PER_SLOT
    for tier in _tiers(_candidates(tree, rules.scope.hosts)):
        for c in _spread(tier, cap - len(chosen)):
            if len(chosen) >= cap or checks <= 0:
                return tuple(chosen.items())
            checks -= 1
            url = resolve(base, c.href)
            verdict = link_verdict(url, rules) if url else None
            if isinstance(verdict, tuple) and verdict[0] not in chosen:
                chosen[verdict[0]] = verdict[1]
    return tuple(chosen.items())


def guess_kind(url: str) -> str:
    """The kind a URL suggests before its page is seen (no site patterns)."""
    return classify(url)
