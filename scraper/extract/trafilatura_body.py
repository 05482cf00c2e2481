"""trafilatura as our extractor for non-CJK pages: call it on our tree, read its body.

trafilatura is strong on ordinary English/European pages; this module gives it the
tree we already parsed and renders its XML body ourselves, one line per paragraph,
heading, list item or table row, without the "- " bullets and "| a | b |" markup of
its text output.
"""

from __future__ import annotations

import re

import lxml.etree as etree
import lxml.html
import trafilatura

from .blocks import Block, BlockMap
from .candidates import Candidate

_TRAFILATURA_BLOCKS = frozenset(("p", "head", "item", "quote", "row", "list", "table", "div", "code", "graphic"))


def trafilatura_lines(body) -> list[str]:
    """Lines of trafilatura's XML body: one per paragraph, heading, list item, table row.

    Rendering it ourselves (rather than its txt output) avoids the "- " bullets and
    "| a | b |" table markup that are not part of the text.
    """
    lines: list[str] = []
    parts: list[str] = []

    def flush() -> None:
        text = "".join(parts).strip()
        if text:
            lines.extend(t for t in text.split("\n"))
        parts.clear()

    def is_block(el) -> bool:  # <code> inside a paragraph is inline
        if el.tag == "code":
            return el.getparent() is not None and el.getparent().tag in ("body", "div", "quote")
        return el.tag in _TRAFILATURA_BLOCKS

    for event, el in etree.iterwalk(body, events=("start", "end")):
        if event == "start":
            if is_block(el) or el.tag == "lb":
                flush()
            elif el.tag == "cell":
                parts.append(" ")
            if el.text and el.tag != "graphic":
                parts.append(el.text)
        else:
            if is_block(el):
                flush()
            if el.tail and el is not body:
                parts.append(el.tail)
    flush()
    return lines


_LAYOUT_CELL_CHARS = 300


def kept_layout_table(body) -> bool:
    """trafilatura keeps a page's layout table as one: a "cell" holding the whole article."""
    return any(len("".join(cell.itertext())) > _LAYOUT_CELL_CHARS for cell in body.iter("cell"))


_SCRAP_MAX_CHARS = 40
_SENTENCE_END_RE = re.compile(r"[.!?。！？]")


def is_scrap(lines: list[str]) -> bool:
    """What trafilatura returns for a page without an article: a few words, no sentence."""
    text = " ".join(lines)
    return len(text) < _SCRAP_MAX_CHARS and not _SENTENCE_END_RE.search(text)




def trafilatura_body(root: lxml.html.HtmlElement, url: str | None, include_tables: bool, fast: bool = False):
    """trafilatura's XML body for the page, or None when it found nothing usable.

    Captions are made paragraphs first (trafilatura drops <figcaption>, but a caption
    inside the article is text); a result holding the page's whole layout table is
    refused, so the caller can use the block scorer instead.
    """
    renamed = []
    for caption in root.iter("figcaption"):
        renamed.append((caption, caption.tag))
        caption.tag = "p"
        figure = caption.getparent()
        if figure is not None and figure.tag == "figure":
            renamed.append((figure, figure.tag))
            figure.tag = "div"
    try:
        found = trafilatura.bare_extraction(
            root, url=url, include_comments=False, include_tables=include_tables, with_metadata=False, fast=fast
        )
    finally:  # trafilatura reads a copy: our tree gets its tags back (the body's structure reads them)
        for el, tag in renamed:
            el.tag = tag
    if found is None or found.body is None or kept_layout_table(found.body):
        return None
    return found.body


def _key(text: str) -> str:
    return "".join(text.split())


def locate(lines: list[str], blocks: list[Block]) -> list[int]:
    """The page blocks that `lines` were read from, in order (lines found nowhere are skipped).

    trafilatura renders the tree its own way; a line is matched to the next block with
    the same text (whitespace aside), so its position on the page is known for the
    metadata around it and for comparing candidates.
    """
    return [i for i in locate_each(lines, blocks) if i is not None]


def locate_each(lines: list[str], blocks: list[Block]) -> list[int | None]:
    """Per line, the block it was read from (None where no later block has its text)."""
    where: dict[str, list[int]] = {}
    for block in blocks:
        where.setdefault(_key(block.text), []).append(block.index)
    found: list[int | None] = []
    last = -1
    for line in lines:
        hits = where.get(_key(line))
        nxt = next((i for i in hits if i > last), None) if hits else None
        found.append(nxt)
        if nxt is not None:
            last = nxt
    return found


def trafilatura_candidate(root: lxml.html.HtmlElement, bmap: BlockMap, url: str | None,
                          include_tables: bool, fast: bool = False) -> Candidate | None:
    """trafilatura's reading of the page, on our tree (which it prunes: nothing reads it after)."""
    body = trafilatura_body(root, url, include_tables, fast)
    if body is None:
        return None
    lines = trafilatura_lines(body)
    each = locate_each(lines, bmap.blocks)
    return Candidate("trafilatura", [i for i in each if i is not None], lines=lines, line_blocks=each)
