"""Cut a page into text blocks: the lines a reader sees, each tied to the element holding it.

A block is text between two block-level boundaries (p, div, li, br, table row, ...).
Each block records how much of it is link text and sentence punctuation, which the
content scorer and the noise rules use. Walking is iterative (lxml iterwalk), so
hostile nesting cannot exhaust the Python stack.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import lxml.etree as etree
import lxml.html

BLOCK_TAGS = frozenset(
    "address article aside blockquote body center dd details dialog dir div dl dt "
    "fieldset figcaption figure footer form frameset h1 h2 h3 h4 h5 h6 header hgroup "
    "hr html li main menu nav ol p pre section summary table tbody thead tfoot tr td th "
    "ul caption legend".split()
)
CELL_TAGS = frozenset(("td", "th"))
HEADING_TAGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))

# Sentence punctuation: a block with these is prose, not a menu or a label.
_PUNCT_RE = re.compile(r"[，。；！？、：,.;:!?]")
_SPACE_RE = re.compile(r"\s+")


@dataclass
class Block:
    """One line of visible text and the facts the scorers need about it."""

    text: str
    owner: lxml.html.HtmlElement  # the innermost block-level element holding the text
    tag: str  # owner's tag, or "tr" for a table row joined into one line
    link_chars: int = 0
    index: int = 0  # position in document order

    @functools.cached_property
    def chars(self) -> int:
        return len(self.text.replace(" ", ""))

    @property
    def link_ratio(self) -> float:
        return self.link_chars / self.chars if self.chars else 0.0

    @functools.cached_property
    def punctuation(self) -> int:
        return len(_PUNCT_RE.findall(self.text))


def _rows(table: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    rows = []
    for child in table:
        if child.tag == "tr":
            rows.append(child)
        elif child.tag in ("tbody", "thead", "tfoot"):
            rows.extend(r for r in child if r.tag == "tr")
    return rows


def is_data_table(table: lxml.html.HtmlElement) -> bool:
    """A grid of short text cells (a table in the article), not a layout or menu table.

    Data tables are read row by row, one line per row; layout tables are read as the
    blocks inside their cells.
    """
    if next(table.iterdescendants("table", "img"), None) is not None:
        return False  # a layout table, or a gallery of pictures and captions
    rows = _rows(table)
    if len(rows) < 2:
        return False
    cells = [c for r in rows for c in r if c.tag in CELL_TAGS]
    if sum(1 for r in rows if sum(1 for c in r if c.tag in CELL_TAGS) >= 2) * 2 < len(rows):
        return False
    texts = [" ".join(c.text_content().split()) for c in cells]
    total = sum(len(t) for t in texts)
    if not total or total / len(cells) > 80:
        return False
    if any(len(t) > 200 or t.count("。") >= 2 for t in texts):
        return False  # a cell holding paragraphs of prose: the table lays out a page
    links = sum(len(" ".join(a.text_content().split())) for a in table.iterdescendants("a"))
    return links / total < 0.3


def _in_data_table(tr: lxml.html.HtmlElement, cache: dict) -> bool:
    table = tr.getparent()
    if table is not None and table.tag != "table":
        table = table.getparent()
    if table is None or table.tag != "table":
        return False
    if table not in cache:
        cache[table] = is_data_table(table)
    return cache[table]


class _Builder:
    """Accumulates inline text and link-character counts until a boundary flushes it."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.parts: list[str] = []
        self.link_chars = 0
        self.link_depth = 0
        self.pre_depth = 0  # inside <pre>: each line of the code is a line of its own

    def add(self, text: str | None) -> None:
        if text:
            self.parts.append(text)
            if self.link_depth:
                self.link_chars += len(text.replace(" ", "").strip())

    def flush(self, owner: lxml.html.HtmlElement, tag: str) -> None:
        if not self.parts:
            return
        raw = "".join(self.parts)
        links = self.link_chars
        for line in raw.split("\n") if self.pre_depth else (raw,):
            text = _SPACE_RE.sub(" ", line).strip()
            if text:
                self.blocks.append(Block(text, owner, "pre" if self.pre_depth else tag, min(links, len(text)),
                                         len(self.blocks)))
                links = max(0, links - len(text))
        self.parts = []
        self.link_chars = 0


@dataclass
class BlockMap:
    """The page's blocks and, for every element, the range of blocks it holds.

    `spans[el] = (first, end)`: blocks[first:end] lie inside `el` (empty for inline
    elements inside one line). Rules and candidates select blocks by element through
    it, so the tree is walked once and never changed after.
    """

    blocks: list[Block]
    spans: dict

    def inside(self, el) -> range:
        first, end = self.spans.get(el, (0, 0))
        return range(first, end)


def split_blocks(root: lxml.html.HtmlElement) -> list[Block]:
    """All visible text of `root` as blocks in document order."""
    return block_map(root).blocks


def block_map(root: lxml.html.HtmlElement) -> BlockMap:
    """All visible text of `root` as blocks in document order, with each element's range.

    A block's owner is the deepest element open when the block ends, so the blocks
    under any element are contiguous in document order (the scorer relies on it);
    its tag is that of the nearest block-level ancestor (or "tr" for a joined row).
    """
    b = _Builder()
    spans: dict = {}
    starts: dict = {}
    open_elements: list[lxml.html.HtmlElement] = [root]
    block_tags: list[str] = [root.tag]
    row: lxml.html.HtmlElement | None = None  # a data-table row being joined into one line
    data_tables: dict = {}
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag
        if not isinstance(tag, str):  # comments, processing instructions
            if event == "end":
                b.add(el.tail)
            continue
        if event == "start":
            if el is root:
                b.add(el.text)
                continue
            if row is not None:
                if tag in CELL_TAGS or tag in BLOCK_TAGS or tag == "br":
                    b.add(" ")
            elif tag == "tr" and _in_data_table(el, data_tables):
                b.flush(open_elements[-1], block_tags[-1])
                row = el
                block_tags.append("tr")
            elif tag in BLOCK_TAGS:
                b.flush(open_elements[-1], block_tags[-1])
                block_tags.append(tag)
            elif tag == "br":
                b.flush(open_elements[-1], block_tags[-1])
            starts[el] = len(b.blocks)
            open_elements.append(el)
            if tag == "a":
                b.link_depth += 1
            elif tag == "pre":
                b.pre_depth += 1
            b.add(el.text)
            continue
        if el is root:
            break
        if tag == "a":
            b.link_depth -= 1
        if el is row:
            b.flush(el, "tr")
            block_tags.pop()
            row = None
        elif row is None and tag in BLOCK_TAGS:
            b.flush(el, tag)
            block_tags.pop()
        if tag == "pre":
            b.pre_depth -= 1
        open_elements.pop()
        spans[el] = (starts.pop(el), len(b.blocks))
        b.add(el.tail)
    b.flush(root, block_tags[0])
    spans[root] = (0, len(b.blocks))
    return BlockMap(b.blocks, spans)
