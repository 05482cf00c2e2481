"""Article or list page? A heuristic from the URL and, when the page is at hand,
from how much of its text is links.

Both kinds are fetched; only articles become documents, and list pages (栏目 /
index pages) are revisited more often. URL patterns of the CMSs common on Chinese
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
