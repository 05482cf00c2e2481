"""Main text and metadata of one decoded page: `extract(html, url) -> Extracted`.

Pure: no I/O. The page is parsed once. Chinese/Japanese/Korean pages go through our
block scorer and noise catalogue (content.py, noise.py), which handle the table
layouts and CMS chrome of Chinese sites; other pages go to trafilatura, which is
strong on them, given the tree we already parsed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import lxml.html
import trafilatura

from . import dom
from .blocks import Block, split_blocks
from .content import find_main_run
from .dates import date_from_url
from .metadata import HeadMetadata, read_head
from .models import CleanConfig
from .noise import drop_noise_elements, drop_noise_lines
from .normalize import normalize_lines, paragraph_key
from .pagemeta import BodyMetadata, read_body_metadata

_CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_CJK_SHARE = 0.15
# A short line right after the body that still belongs to it: 落款 (issuing organ, date).
_TAIL_MAX_CHARS = 40


@dataclass(frozen=True)
class Extracted:
    """What extraction found; the pipeline adds charset facts and builds the Document."""

    text: str
    title: str | None = None
    date: str | None = None
    source: str | None = None
    author: str | None = None
    editor: str | None = None
    site_name: str | None = None
    canonical_url: str | None = None
    lang: str | None = None
    description: str | None = None
    removed: dict[str, int] = field(default_factory=dict)


def is_cjk_page(root: lxml.html.HtmlElement) -> bool:
    body = root.find("body")
    sample = "".join((body if body is not None else root).itertext())[:20000]
    letters = sum(1 for ch in sample if ch.isalpha())
    return letters > 0 and len(_CJK_RE.findall(sample)) / letters >= _CJK_SHARE


def _select_blocks(root, blocks: list[Block], selector: str) -> list[Block]:
    """Blocks inside the elements a site's CSS selector names (config override)."""
    chosen = set()
    for el in root.cssselect(selector):
        chosen.update(el.iter())
    return [b for b in blocks if b.owner in chosen]


def _extend_tail(blocks: list[Block], start: int, end: int) -> int:
    """Take in short plain lines just after the run: the 落款 and closing lines of notices."""
    last = end
    for block in blocks[end + 1 : end + 4]:
        if block.link_chars or block.chars > _TAIL_MAX_CHARS or block.tag in ("li", "tr"):
            break
        last = block.index
    return last


def _strip_title(lines: list[str], title: str | None) -> list[str]:
    """Drop the title (and the column name or breadcrumb above it) from the top of the body."""
    if not title:
        return lines
    key = paragraph_key(title)
    for i, line in enumerate(lines[:6]):
        line_key = paragraph_key(line)
        if line_key and (line_key == key or (len(line_key) >= 6 and key.startswith(line_key)) or
                         (len(key) >= 6 and line_key.startswith(key) and len(line_key) - len(key) <= 4)):
            return lines[i + 1 :]
    return [line for line in lines if paragraph_key(line) != key]


def _swapped(a: str, b: str) -> bool:
    """2022-06-02 vs 2022-02-06: one date read month-first, the other day-first."""
    return a[:4] == b[:4] and a[5:7] == b[8:10] and a[8:10] == b[5:7]


def _choose_date(body: BodyMetadata, head_date: str | None, url: str | None) -> str | None:
    """A labelled line in the page beats meta tags, which beat unlabelled dates and the URL.

    When the labelled line and the meta tag differ only by day/month order, the line
    was written day-first (06/02/2022) and the machine-readable meta tag is right.
    """
    if body.date and head_date and _swapped(body.date, head_date):
        return head_date
    return body.date or head_date or body.loose_date or date_from_url(url) or body.tail_date


def _extract_cjk(root, url: str | None, head: HeadMetadata, config: CleanConfig) -> Extracted:
    for el in root.findall("head"):
        el.drop_tree()
    dom.drop_hidden(root)
    removed = drop_noise_elements(root)
    blocks = split_blocks(root)
    if config.body_selector:
        blocks = _select_blocks(root, blocks, config.body_selector)
        start, end = (0, len(blocks) - 1) if blocks else (0, -1)
    else:
        run = find_main_run(root, blocks)
        start, end = (run.start, _extend_tail(blocks, run.start, run.end)) if run else (0, -1)
    body_meta: BodyMetadata = read_body_metadata(blocks, start, end, head.title)
    lines = [b.text for b in blocks[start : end + 1] if b.index not in body_meta.meta_indexes]
    lines = _strip_title(lines, head.title)
    lines, line_counts = drop_noise_lines(lines)
    removed.update(line_counts)
    text = "\n".join(normalize_lines(lines))
    return Extracted(
        text=text,
        title=head.title,
        date=_choose_date(body_meta, head.date, url),
        source=body_meta.source or head.source,
        author=body_meta.author or head.author,
        editor=body_meta.editor,
        site_name=head.site_name,
        canonical_url=head.canonical_url,
        lang=head.lang or "zh",
        description=head.description,
        removed=dict(removed),
    )


def _extract_other(root, url: str | None, head: HeadMetadata) -> Extracted:
    text = trafilatura.extract(root, url=url, include_comments=False, include_tables=True) or ""
    lines = normalize_lines(text.split("\n"))
    return Extracted(
        text="\n".join(_strip_title(lines, head.title)),
        title=head.title,
        date=head.date or date_from_url(url),
        author=head.author,
        source=None,
        site_name=head.site_name,
        canonical_url=head.canonical_url,
        lang=head.lang,
        description=head.description,
    )


def extract(html: str, url: str | None = None, config: CleanConfig | None = None) -> Extracted:
    """Extract the article of one page (decoded HTML) and its metadata."""
    config = config or CleanConfig()
    root = dom.parse_html(html)
    head = read_head(root)
    dom.drop_unreadable(root)
    if config.body_selector or is_cjk_page(root):
        return _extract_cjk(root, url, head, config)
    return _extract_other(root, url, head)
