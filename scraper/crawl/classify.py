"""Article or list page? Before a page is fetched, a guess from its URL; once it is at
hand, `decide` says from what it holds: is there a main text that is not a list of links?

Both kinds are fetched; only articles become documents, and list pages (栏目 /
index pages) are revisited more often. Per-site `article_urls` / `list_urls`
patterns (sites.toml) overrule both. URL patterns of the CMSs common on Chinese
government and news sites are strong evidence (TRS `t20200131_123.html`, Hanweb
`art_123_456.html`, 博达 `/2020/0131/c123a456/page.htm`, `content_123.html`,
`detail.asp?id=`, `n123456.shtml`, `/col/col123/`, `index_2.html`); page stats
(longest run of non-link text, link density) decide the rest and can outvote the
weaker URL hints. Hand-written: no library knows these CMSs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

PageKind = Literal["article", "list"]

# (name, weight, pattern): positive = article evidence, negative = list evidence.
_URL_RULES: tuple[tuple[str, int, re.Pattern[str]], ...] = tuple(
    (name, weight, re.compile(rx, re.I))
    for name, weight, rx in (
        ("trs", 3, r"/t\d{8}_\d+\.s?html?$"),
        ("hanweb", 3, r"/art_\d+_\d+\.s?html?$"),
        ("boda", 3, r"/\d{4}/\d{4}/c\d+a\d+/page\.(?:htm|psp)$"),
        ("boda-info", 3, r"/info/\d+/\d+\.htm$"),
        ("content-id", 3, r"/content_\d+\.s?html?$"),
        ("item-id", 3, r"/(?:item|article|news|show|detail)s?/\d{3,}\.(?:aspx?|s?html?|jsp|php)$"),
        ("people", 3, r"/c\d+-\d+\.html$"),
        ("xinhua", 3, r"/c_\d+\.html?$"),
        ("news-n", 3, r"/n\d{6,}\.s?html?$"),
        ("detail-id", 3, r"/\w*(?:detail|show|view|article|content|info|read)\w*\.(?:asp|aspx|php|jsp|do|action|html?|jhtml)"
                         r"\?(?:.*&)?(?:\w*id|aid|no|code)=\w+"),
        ("article-dir", 2, r"/(?:art|article|arti|doc|news|detail|content)s?[/_-]\d{5,}(?:\.s?html?|/|$)"),
        ("dated-id", 2, r"/(?:19|20)\d\d[-/]?\d\d(?:[-/]?\d\d)?/(?:[^/]*\D)?\d{4,}[^/]*\.s?html?$"),
        ("col", -3, r"/col/col\d+/"),
        ("list-file", -3, r"/(?:list|more|node|column|lanmu|channel|class)(?:_\w+)?\.(?:s?html?|jsp|php|aspx?|jhtml|do)$"),
        ("list-query", -3, r"/\w*list\w*\.(?:asp|aspx|php|jsp|do|action|jhtml)(?:\?|$)"),
        ("index-file", -2, r"/(?:index|default|home)(?:_\d+)?\.(?:s?html?|jsp|php|aspx?|jhtml)$"),
        ("paging", -2, r"[?&](?:page|pageno|pageindex|pagenum|pn|curpage|p)=\d+"),
        ("section-dir", -2, r"/(?:channel|column|lanmu|category|catalog|tag|tags|topic|special|zt)/?(?:[\w-]+/?)?$"),
    )
)
_NUMERIC_ID = re.compile(r"\d{5,}")


@dataclass(frozen=True)
class PageStats:
    """Text facts of one page, counted once from its tree (whitespace not counted).

    longest_block: the most non-link text held by one block element (p, div, td...)
    without its nested blocks; an article has at least one long paragraph.
    """

    text_chars: int
    link_chars: int
    links: int
    longest_block: int

    @property
    def link_density(self) -> float:
        return self.link_chars / self.text_chars if self.text_chars else 1.0


_BLOCKS = frozenset(
    "p div td th li dd dt article section blockquote pre h1 h2 h3 h4 h5 h6 body table tr ul ol center form".split()
)
_SKIP = frozenset("script style noscript template head title select option button iframe svg".split())
_SPACE = re.compile(r"\s+")


def page_stats(tree: Any) -> PageStats:
    """Count text, link text, links and the longest text block of an lxml HTML tree."""
    body = tree.find(".//body") if tree.tag != "body" else tree
    body = body if body is not None else tree
    ctx: dict[Any, tuple[Any, bool, bool]] = {}  # element -> (owning block, inside a link, skipped)
    blocks: dict[Any, int] = {}
    totals = [0, 0, 0]  # text, link text, links

    def add(block: Any, in_link: bool, text: str | None) -> None:
        n = len(_SPACE.sub("", text)) if text else 0
        if n:
            totals[0] += n
            if in_link:
                totals[1] += n
            else:
                blocks[block] = blocks.get(block, 0) + n

    for el in body.iter():
        parent = el.getparent() if el is not body else None
        p_block, p_link, p_skip = ctx.get(parent, (body, False, False))
        if not isinstance(el.tag, str):  # comment or processing instruction
            if not p_skip:
                add(p_block, p_link, el.tail)
            continue
        tag = el.tag.lower()
        is_link = tag == "a" and el.get("href") is not None
        totals[2] += is_link and not p_skip
        ctx[el] = (el if tag in _BLOCKS else p_block, p_link or is_link, p_skip or tag in _SKIP)
        if not ctx[el][2]:
            add(ctx[el][0], ctx[el][1], el.text)
        if el is not body and not p_skip:
            add(p_block, p_link, el.tail)
    return PageStats(totals[0], totals[1], totals[2], max(blocks.values(), default=0))


def _url_score(url: str) -> tuple[int, str]:
    for name, weight, rx in _URL_RULES:
        if rx.search(url):
            return weight, f"url:{name}"
    path = url.split("://", 1)[-1].partition("/")[2].split("?")[0]
    if not path:
        return -3, "url:home"
    last = path.rstrip("/").rsplit("/", 1)[-1]
    if path.endswith("/"):
        return -1, "url:directory"
    if _NUMERIC_ID.search(last):
        return 1, "url:numeric-id"
    return 0, "url:no-hint"


def _stats_score(stats: PageStats) -> tuple[int, str]:
    density = stats.link_density
    if stats.longest_block >= 300 or (stats.longest_block >= 150 and density < 0.5):
        return 2, f"text:block-{stats.longest_block}"
    if stats.links >= 20 and density >= 0.5 and stats.longest_block < 80:
        return -2, f"text:links-{stats.links}-density-{density:.2f}"
    if stats.longest_block >= 80 and density < 0.35:
        return 1, f"text:block-{stats.longest_block}"
    if stats.longest_block < 50:
        return -1, f"text:short-{stats.longest_block}"
    return 0, "text:no-hint"


def classify_with_reason(url: str, page: PageStats | Any | None = None) -> tuple[PageKind, str]:
    """Like `classify`, plus the evidence used (for logs and tests)."""
    score, reason = _url_score(url)
    if page is not None:
        stats = page if isinstance(page, PageStats) else page_stats(page)
        s_score, s_reason = _stats_score(stats)
        score, reason = score + s_score, f"{reason} {s_reason}"
        if score == 0:
            return ("article" if stats.longest_block >= 150 else "list"), reason + " tie"
    return ("article" if score > 0 else "list"), reason


def classify(url: str, page: PageStats | Any | None = None) -> PageKind:
    """'article' or 'list' for a URL, better with the page (an lxml tree or `PageStats`).

    Without a page, only positive URL evidence says "article".
    """
    return classify_with_reason(url, page)[0]


# --- deciding from what the page holds ----------------------------------------------

MIN_TEXT = 100  # characters outside links below which a page cannot hold an article
LINK_PAGE_DENSITY = 0.9  # ...and a page this full of links with no paragraph of LONG_BLOCK is a list
LONG_BLOCK = 150
LINK_LIST_SHARE = 0.5  # a main text with at least this share of link text is a list
_ANCHOR_KEY = 6


@dataclass(frozen=True)
class Decision:
    """A page's kind and the evidence for it, as `scraper show` prints it."""

    kind: PageKind
    reason: str


def before_cleaning(url: str, stats: PageStats) -> Decision | None:
    """A list page already, before cleaning: (almost) all its text is links. Saves
    cleaning a page of 100,000 links. A URL that says article is cleaned anyway (an
    article URL without text is a `no_content` failure worth seeing, not a list)."""
    if _url_score(url)[0] > 0:
        return None
    outside = stats.text_chars - stats.link_chars
    if outside < MIN_TEXT:
        return Decision("list", f"only {outside} characters of text outside links")
    if stats.link_density >= LINK_PAGE_DENSITY and stats.longest_block < LONG_BLOCK:
        return Decision("list", f"{stats.link_density:.0%} of the text is links ({stats.links} links) "
                                f"and no paragraph reaches {LONG_BLOCK} characters")
    return None


def anchor_index(anchors: Any) -> dict[str, list[str]]:
    """Anchor texts (whitespace removed) by their first characters, for `link_share`."""
    index: dict[str, list[str]] = {}
    for text in anchors:
        key = _SPACE.sub("", text or "")
        if key:
            index.setdefault(key[:_ANCHOR_KEY], []).append(key)
    return index


def _linked_chars(line: str, anchors: dict[str, list[str]]) -> int:
    """Characters of a line that are link text: a link's text that starts it (a list item:
    its title, maybe a date after it), or its words that are link texts (a tag cloud)."""
    key = _SPACE.sub("", line)
    prefix = max((len(a) for a in anchors.get(key[:_ANCHOR_KEY], ()) if key.startswith(a)), default=0)
    words = sum(len(w) for w in line.split() if w in anchors.get(w[:_ANCHOR_KEY], ()))
    return max(prefix, words)


def link_share(lines: list[str], anchors: dict[str, list[str]]) -> tuple[float, int]:
    """(share of the text's characters that are link text, lines mostly made of it)."""
    total = linked = count = 0
    for line in lines:
        chars = len(_SPACE.sub("", line))
        covered = _linked_chars(line, anchors)
        total += chars
        linked += covered
        count += chars > 0 and covered >= 0.6 * chars
    return (linked / total if total else 1.0), count


def decide(url: str, lines: list[str] | None, anchors: dict[str, list[str]]) -> Decision:
    """The kind of a page whose main text (`lines`, None when cleaning found none) is known.

    A main text that is not mostly link text makes an article, whatever the URL says.
    A list-looking URL needs less link text to count as a list (a 栏目 page with
    snippets under its titles). No main text: a list, unless the URL says article (the
    caller then records `no_content`)."""
    url_score, url_reason = _url_score(url)
    if not lines:
        kind: PageKind = "article" if url_score > 0 else "list"
        return Decision(kind, f"no main text found ({url_reason})")
    share, linked = link_share(lines, anchors)
    chars = sum(len(_SPACE.sub("", line)) for line in lines)
    facts = f"main text of {chars} characters in {len(lines)} lines, {share:.0%} of it link text"
    if share >= LINK_LIST_SHARE or (url_score <= -2 and linked >= 5 and share >= LINK_LIST_SHARE / 2):
        return Decision("list", f"{facts}: a list of links ({url_reason})")
    return Decision("article", f"{facts} ({url_reason})")
