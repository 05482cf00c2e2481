"""Candidate bodies: several readings of one parsed page, each a selection of its blocks.

Every candidate is built from the same tree and the same blocks (no reparse):
- `run`: the best contiguous run of prose under one element (content.py), with the
  opening and closing lines that belong to an article (salutation, 落款, 附件);
- `whole`: every block no noise rule masked, for pages that are all content (service,
  listing and collection pages, where the "article" is the page between its chrome);
- `selected`: the blocks inside a site's CSS selector (config override).
Others live beside their heuristics: trafilatura_body.py, thread.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cssselect import SelectorError

from ..errors import ConfigError
from .blocks import Block, BlockMap
from .bylines import parse_meta_line
from .content import find_main_run
from .dates import find_dates
from .noise import cut_index, match_line_rule
from .normalize import HAN_RE
from .prune import Pruning


@dataclass
class Candidate:
    """One reading of the page: which blocks are its body (or its own lines), and of what kind.

    `indexes` are block indexes in document order. A candidate from another
    extractor (trafilatura) brings its own `lines` and the blocks they were found in.
    """

    name: str
    indexes: list[int]
    lines: list[str] | None = None
    page_type: str = "article"
    removed: dict[str, int] = field(default_factory=dict)
    container: object = None  # the element a block run lies in
    author: str | None = None  # a reading that knows its author (a thread's first poster)
    line_blocks: list[int | None] | None = None  # with `lines`: the block each line was found in

    def sources(self, blocks: list[Block]) -> tuple[list[str], list[int | None]]:
        """The reading's lines and the page block of each, for tracing the final text back."""
        if self.lines is None:
            return [blocks[i].text for i in self.indexes], list(self.indexes)
        return self.lines, self.line_blocks if self.line_blocks is not None else [None] * len(self.lines)

    def in_layout_table(self) -> bool:
        """The reading lies in a cell of a layout table (old Chinese templates)."""
        el = self.container
        return el is not None and (el.tag == "td" or any(a.tag == "td" for a in el.iterancestors()))

    @property
    def start(self) -> int:
        return self.indexes[0] if self.indexes else 0

    @property
    def end(self) -> int:
        return self.indexes[-1] if self.indexes else -1

    def texts(self, blocks: list[Block]) -> list[str]:
        return self.lines if self.lines is not None else [blocks[i].text for i in self.indexes]


# Short lines right after the body that still belong to it: 落款 (issuing organ, date).
_TAIL_MAX_CHARS = 40
_TAIL_WINDOW = 6
_SALUTATION_MAX_CHARS = 60
_ADOPTION_NOTE_RE = re.compile(r"^[（(].{4,60}(通过|发布|公布|印发|施行|修正|修订)[）)]$")
_CLOSING_RE = re.compile(r"[。！？.!?][”’\"')）]?$")
_ATTACHMENT_RE = re.compile(r"^附\s*件\s*\d*\s*[:：．.]?")
_DATE_CHARS_RE = re.compile(r"[\d\s年月日号\-/.〇○零一二三四五六七八九十]")


def _is_closing_date(block: Block) -> bool:
    return not block.link_chars and block.chars <= 20 and bool(find_dates(block.text)) and len(
        _DATE_CHARS_RE.sub("", block.text)) <= 2


def _extend_tail(blocks: list[Block], end: int, kept: list[bool]) -> int:
    """Take in the closing lines after the run: 附件 lines, the 落款 (organ, date), a sign-off.

    The scorer ends the run at the last long paragraph; these short lines score as
    chrome but belong to the text. Organ names are taken only when a bare date follows
    them (organ + date is a 落款); a short closing sentence ("特此通知。", "See you
    on the hills!") directly after the body is taken as it is.
    """
    last = end
    following = [b for b in blocks[end + 1:] if kept[b.index]][:_TAIL_WINDOW]
    for block in following:
        if _ATTACHMENT_RE.match(block.text):
            last = block.index
        elif block.link_chars or block.chars > _TAIL_MAX_CHARS * (1 if HAN_RE.search(block.text) else 3):
            break
        elif _is_closing_date(block):
            return block.index
        elif block.index == _next_kept(kept, last) and _CLOSING_RE.search(block.text) and not match_line_rule(block.text):
            last = block.index
    return last


def _next_kept(kept: list[bool], index: int) -> int:
    index += 1
    while index < len(kept) and not kept[index]:
        index += 1
    return index


def _is_leading_chrome(block: Block) -> bool:
    if block.link_ratio > 0.5 and block.chars < 30:
        return True
    return parse_meta_line(block.text).only_metadata


def _extend_head(blocks: list[Block], start: int, end: int, kept: list[bool]) -> int:
    """Adjust where the body starts: past leading chrome, back over an opening line.

    Leading link-only snippets ("19" comments, "举报") and metadata lines go; the
    salutation of a letter ("各乡镇人民政府，县直各部门：") and the adoption note of a
    law or resolution ("（2007年8月30日…会议通过）") just above the body come in.
    """
    while start < end and (not kept[start] or _is_leading_chrome(blocks[start])):
        start += 1
    before = next((b for b in reversed(blocks[:start]) if kept[b.index]), None)
    if before is not None and not before.link_chars and before.chars <= _SALUTATION_MAX_CHARS and (
        before.text.endswith((":", "：")) or _ADOPTION_NOTE_RE.match(before.text)
    ):
        return before.index
    return start


def _cut_trailing_chrome(candidate: Candidate, blocks: list[Block]) -> Candidate:
    """The cut rules (相关新闻, 网友评论, a footer line...) end the body where chrome begins."""
    cut, rule = cut_index([blocks[i].text for i in candidate.indexes])
    if rule:
        candidate.removed[rule] = candidate.removed.get(rule, 0) + len(candidate.indexes) - cut
        del candidate.indexes[cut:]
    return candidate


def block_run(root, bmap: BlockMap, kept: list[bool], name: str = "run") -> Candidate:
    """The best-scoring run of prose blocks, widened by the lines that open and close an article."""
    blocks = bmap.blocks
    run = find_main_run(root, blocks, kept)
    if run is None:
        return Candidate(name, [])
    start, end = _extend_head(blocks, run.start, run.end, kept), _extend_tail(blocks, run.end, kept)
    indexes = [i for i in range(start, end + 1) if kept[i]]
    return _cut_trailing_chrome(Candidate(name, indexes, container=run.element), blocks)


def whole_page(bmap: BlockMap, kept: list[bool]) -> Candidate:
    """Every block the noise rules left: the page between its chrome."""
    return _cut_trailing_chrome(Candidate("whole", [i for i, k in enumerate(kept) if k]), bmap.blocks)


def selected(root, bmap: BlockMap, selector: str, pruning: Pruning) -> Candidate:
    """Blocks inside the elements a site's CSS selector names; noise rules apply inside only."""
    try:
        matched = root.cssselect(selector)
    except SelectorError as exc:
        raise ConfigError(f"invalid CSS selector {selector!r}: {exc}") from None
    chosen: set[int] = set()
    for el in matched:
        chosen.update(bmap.inside(el))
    kept = pruning.kept()
    return _cut_trailing_chrome(Candidate("selector", sorted(i for i in chosen if kept[i])), bmap.blocks)
