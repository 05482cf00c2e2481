"""Find the main content: the run of blocks that adds up to the most prose, the least chrome.

Every block gets a value: positive for prose (long, punctuated, few links), negative
for chrome (links, short unpunctuated labels). Inside every element we look for the
best contiguous run of its children (maximum-sum subarray, Kadane), and keep the
best run of the whole page. Widening the run adds menus and footers, which cost more
than they bring; narrowing it loses prose. A run, rather than a whole element, is what
old Chinese table layouts need: the article's paragraphs often sit in one <td> beside
the related-links lists and the slideshow, so no single element is the article.
"""

from __future__ import annotations

from dataclasses import dataclass

import lxml.html

from .blocks import Block
from .normalize import HAN_RE


# Tuned on development pages; tests/test_content.py pins the behaviour they buy.
PROSE_MIN_CHARS = 12  # a punctuated block this long is prose (Han characters)
LONG_BLOCK_CHARS = 50  # a block this long is prose even without punctuation
LATIN_FACTOR = 3  # alphabetic text needs about three times the characters for the same words
LABEL_WEIGHT = 0.6  # cost per character of a short unpunctuated block (menu labels)
LABEL_COST = 3.0  # fixed cost of any chrome block: many small items cost more
LINK_WEIGHT = 1.2  # cost per character of link text in chrome
PROSE_LINK_WEIGHT = 0.3  # links inside prose (wiki-style) cost little
TABLE_ROW_WEIGHT = 0.5  # a data-table row without links is worth half its text


def block_value(block: Block) -> float:
    """How much a block looks like article prose (> 0) or page chrome (< 0)."""
    links = block.link_chars
    plain = block.chars - links
    if plain <= 0:
        return -links * LINK_WEIGHT - LABEL_COST
    scale = 1 if HAN_RE.search(block.text) else LATIN_FACTOR
    prose = (block.punctuation >= 1 and plain >= PROSE_MIN_CHARS * scale) or plain >= LONG_BLOCK_CHARS * scale
    if prose and block.link_ratio <= 0.5:
        return plain - links * PROSE_LINK_WEIGHT
    if block.tag == "tr" and block.link_ratio < 0.3:
        return plain * TABLE_ROW_WEIGHT - links * LINK_WEIGHT
    return -plain * LABEL_WEIGHT - LABEL_COST - links * LINK_WEIGHT


@dataclass(frozen=True)
class Run:
    """A contiguous range of blocks [start, end] (indexes into the page's blocks)."""

    score: float
    start: int
    end: int
    element: lxml.html.HtmlElement


@dataclass
class _Summary:
    total: float
    first: int
    last: int


def _best_run(items: list[tuple[int, int, float]], el) -> Run | None:
    """Kadane over (first, last, value) items in document order."""
    best: Run | None = None
    run_sum, run_start = 0.0, None
    for first, last, value in items:
        if run_start is None or run_sum <= 0:
            run_sum, run_start = value, first
        else:
            run_sum += value
        if best is None or run_sum > best.score:
            best = Run(run_sum, run_start, last, el)
    return best


def find_main_run(root: lxml.html.HtmlElement, blocks: list[Block], kept: list[bool] | None = None) -> Run | None:
    """The best-scoring contiguous run of blocks under any one element, or None without prose.

    Blocks not `kept` (masked by a noise rule) take no part.
    """
    own: dict = {}
    for block in blocks:
        if kept is not None and not kept[block.index]:
            continue
        own.setdefault(block.owner, []).append((block.index, block.index, block_value(block)))
    summaries: dict = {}
    children: dict = {}
    best: Run | None = None
    for el in reversed(list(root.iter())):
        items = own.get(el, []) + children.pop(el, [])
        if not items:
            continue
        items.sort()
        summary = _Summary(sum(v for _, _, v in items), items[0][0], items[-1][1])
        summaries[el] = summary
        run = _best_run(items, el)
        if run and (best is None or run.score > best.score):
            best = run
        parent = el.getparent()
        if parent is not None:
            children.setdefault(parent, []).append((summary.first, summary.last, summary.total))
    if best is None or best.score <= 0:
        return None
    return best
