"""Repeated records: the posts of a thread, the cards of a listing, the items of a catalogue.

Forum software, listing templates and shop grids render each item with the same
markup: siblings with the same tag and classes. The largest such group on the page
(by text) says a lot about what kind of page it is — many dated, prose-bearing
records make a thread; many short, link-titled ones a listing — and its container is
itself a candidate body. One pass over the elements; class names are compared with
their digits removed (post_123 and post_124 are one kind of record).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.html

from .blocks import BlockMap
from .dates import has_date

_DIGITS_RE = re.compile(r"\d+")
_MIN_RECORDS = 3
_MIN_RECORD_CHARS = 15  # a record carries at least a title's worth of text
_TIME_RE = re.compile(r"\d{1,2}[:：]\d{2}|\b(?:ago|yesterday|前)\b|[天小时分钟]前", re.I)
_PARENTS_XPATH = f"//*[count(*) >= {_MIN_RECORDS}]"
_LARGEST_SHARE = 0.6  # records are alike: one holding most of the text is a layout column
_HEAD_BLOCKS = 6  # a post's date sits in its first lines
_DATED_SAMPLE = 20  # records looked at for dates
_RECORD_TAGS = frozenset("div li article section tr table dl dd dt tbody ul ol p".split())


@dataclass(frozen=True)
class Records:
    """The page's largest group of sibling records."""

    container: lxml.html.HtmlElement
    members: tuple[lxml.html.HtmlElement, ...]  # the records themselves
    spans: tuple[range, ...]  # each record's blocks
    chars: int
    link_chars: int
    dated: float  # records carrying a date or a time of day (estimated from the first ones)

    @property
    def count(self) -> int:
        return len(self.spans)

    @property
    def indexes(self) -> list[int]:
        return [i for span in self.spans for i in span]


def _signature(el: lxml.html.HtmlElement) -> str | None:
    if el.tag not in _RECORD_TAGS:
        return None
    cls = " ".join(sorted(_DIGITS_RE.sub("", el.get("class") or "").split()))
    return f"{el.tag}.{cls}"


def find_records(root: lxml.html.HtmlElement, bmap: BlockMap) -> Records | None:
    """The group of same-signature siblings holding the most text, if there is one."""
    chars = [0]
    links = [0]
    for b in bmap.blocks:
        chars.append(chars[-1] + b.chars)
        links.append(links[-1] + b.link_chars)
    best: tuple[int, lxml.html.HtmlElement, list[range]] | None = None
    for el in root.xpath(_PARENTS_XPATH):  # in C: only elements with enough children
        groups: dict[str, list[lxml.html.HtmlElement]] = {}
        for child in el:
            sig = _signature(child) if isinstance(child.tag, str) else None
            if sig is not None:
                span = bmap.inside(child)
                if chars[span.stop] - chars[span.start] >= _MIN_RECORD_CHARS:
                    groups.setdefault(sig, []).append(child)
        for members in groups.values():
            if len(members) >= _MIN_RECORDS:
                spans = [bmap.inside(m) for m in members]
                sizes = [chars[s.stop] - chars[s.start] for s in spans]
                total = sum(sizes)
                if max(sizes) <= _LARGEST_SHARE * total and (best is None or total > best[0]):
                    best = (total, el, members)
    if best is None:
        return None
    total, container, members = best
    spans = [bmap.inside(m) for m in members]
    blocks = bmap.blocks
    sample = spans[:_DATED_SAMPLE]
    dated = sum(1 for s in sample if any(_TIME_RE.search(blocks[i].text) or has_date(blocks[i].text)
                                         for i in list(s)[:_HEAD_BLOCKS])) * len(spans) / len(sample)
    link_chars = sum(links[s.stop] - links[s.start] for s in spans)
    return Records(container, tuple(members), tuple(spans), total, link_chars, dated)
