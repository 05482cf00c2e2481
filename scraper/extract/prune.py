"""Noise regions (menus, footers, comment widgets) as masks over the page's blocks.

The element rules of the noise catalogue (noise_rules.ELEMENT_RULES) name regions by
tag or class/id. Applying them does not change the tree: each matched region masks
its blocks, and candidates choose which masks to honour (a forum thread keeps the
comment region that an article drops). Class names lie often enough — a "fontsize"
or "print" tool class on the article's own container, a CMS that calls the article
"content-footer" — that two guards stand between a rule and the article:

- a region holding most of the page's prose is never masked (its children are still
  examined, so a footer inside it still goes);
- if the masks together took more prose than they left, the masks holding prose are
  lifted: the page is read as if those rules had not matched.
"""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass, field

import lxml.html

from .blocks import Block, BlockMap
from .content import block_value
from .noise_rules import ELEMENT_RULES, ElementRule

# Inline elements are words inside a sentence ("<span class=ilh-comment>"), never regions.
_SKIP_TAGS = frozenset(
    "html body a abbr b bdi bdo cite code em font i img label mark q s small span strong sub sup time u".split()
)
_MOST = 0.5  # a region with more than this share of the page's prose holds the article


def _first_rule(tag: str, attrs: str, rules: tuple[ElementRule, ...]) -> ElementRule | None:
    for rule in rules:
        if tag in rule.tags or (attrs and rule.attr is not None and rule.attr.search(attrs)):
            return rule
    return None


@functools.lru_cache(maxsize=4096)  # shared by a page's readings; bounded for long batch runs
def _catalogue_rule(tag: str, attrs: str) -> ElementRule | None:
    """Memoised for the shipped catalogue: class names repeat (a thousand li.item on a page)."""
    return _first_rule(tag, attrs, ELEMENT_RULES)


def _rule_for(el: lxml.html.HtmlElement, rules: tuple[ElementRule, ...], tags: frozenset[str]) -> ElementRule | None:
    """The first rule naming this element by tag or class/id (most elements have neither)."""
    cls, ident = el.get("class"), el.get("id")
    if not cls and not ident and el.tag not in tags:
        return None
    attrs = f"{cls or ''} {ident or ''}".strip().lower()
    return _catalogue_rule(el.tag, attrs) if rules is ELEMENT_RULES else _first_rule(el.tag, attrs, rules)


def prose_chars(block: Block) -> int:
    """Characters of prose a block holds (0 for chrome): what the guards weigh."""
    cached = block.__dict__.get("_prose")
    if cached is None:
        cached = block.__dict__["_prose"] = max(0, block.chars - block.link_chars) if block_value(block) > 0 else 0
    return cached


@dataclass
class Pruning:
    """Which rule masked each block, and what the guards prevented."""

    removed_by: list[str | None]
    counts: Counter = field(default_factory=Counter)  # rule name -> regions masked
    guarded: Counter = field(default_factory=Counter)  # rule name -> regions spared (they hold the article)
    lifted: bool = False  # the masks took more prose than they left and were lifted
    spared: list[range] = field(default_factory=list)  # the regions the guard kept
    masked: list[lxml.html.HtmlElement] = field(default_factory=list)  # the regions masked

    def drop_masked(self) -> None:
        """Take the masked regions out of the tree (for an extractor that reads the tree
        after us: less to walk, and no menu to mistake for text)."""
        for el in self.masked:
            if el.getparent() is not None:
                el.drop_tree()

    def kept(self, allow: frozenset[str] = frozenset(), strict: bool = False) -> list[bool]:
        """Per block: kept, when the rules named in `allow` are not applied.

        `strict` masks the spared regions too: the reading of a page whose
        largest region really is a comment thread beside a short article.
        """
        kept = [name is None or name in allow for name in self.removed_by]
        if strict:
            for span in self.spared:
                kept[span.start:span.stop] = [False] * len(span)
        return kept


@dataclass
class _Region:
    rule: str
    span: range
    prose: int
    element: lxml.html.HtmlElement


def _regions(root, bmap: BlockMap, rules, prefix: list[int], total_prose: int, total_chars: int,
             char_prefix: list[int], pruning: Pruning) -> list[_Region]:
    """Top-down: the regions rules match, not descending into one that is masked."""
    found: list[_Region] = []
    tags = frozenset(t for r in rules for t in r.tags)
    stack = list(reversed(root))
    while stack:
        el = stack.pop()
        if isinstance(el.tag, str) and el.tag not in _SKIP_TAGS:
            rule = _rule_for(el, rules, tags)
            if rule is not None:
                span = bmap.inside(el)
                prose = prefix[span.stop] - prefix[span.start]
                chars = char_prefix[span.stop] - char_prefix[span.start]
                if prose > _MOST * total_prose or chars > rule.max_share * total_chars:
                    pruning.guarded[rule.name] += 1
                    pruning.spared.append(span)
                else:
                    found.append(_Region(rule.name, span, prose, el))
                    continue
        stack.extend(reversed(el))
    return found


def _prefix(values: list[int]) -> list[int]:
    out = [0]
    for v in values:
        out.append(out[-1] + v)
    return out


def prune(root: lxml.html.HtmlElement, bmap: BlockMap, rules: tuple[ElementRule, ...] = ELEMENT_RULES) -> Pruning:
    """Mask the noise regions of the page; the tree is left as it is."""
    blocks = bmap.blocks
    prose = _prefix([prose_chars(b) for b in blocks])
    chars = _prefix([b.chars for b in blocks])
    pruning = Pruning([None] * len(blocks))
    body = root.find("body")
    regions = _regions(body if body is not None else root, bmap, rules, prose, prose[-1], chars[-1], chars, pruning)
    taken = sum(r.prose for r in regions)
    if taken > prose[-1] - taken:  # far less prose left than taken away: these matches lie
        pruning.lifted = True
        regions = [r for r in regions if not r.prose]
    for region in regions:
        pruning.counts[region.rule] += 1
        pruning.masked.append(region.element)
        for i in region.span:
            pruning.removed_by[i] = region.rule
    return pruning
