"""Main text and metadata of one decoded page: `extract(html, url) -> Extracted`.

Pure: no I/O. The page is parsed once. Chinese/Japanese/Korean pages go through our
block scorer and noise catalogue (content.py, noise.py), which handle the table
layouts and CMS chrome of Chinese sites; other pages go to trafilatura, which is
strong on them, given the tree we already parsed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import lxml.etree as etree
import lxml.html

from cssselect import SelectorError

from . import dom
from ..errors import ConfigError
from .blocks import Block, split_blocks
from .bylines import person_name
from .content import find_main_run
from .dates import date_from_url, find_dates
from .bylines import parse_meta_line
from .language import document_lang
from .markup import TITLE_CLASS_RE, scan_source_and_date
from .metadata import HeadMetadata, read_head, title_confirmed
from ..models import CleanConfig, Document
from .noise import cut_index, drop_noise_elements, drop_noise_lines, is_title_line, match_line_rule, strip_title
from .normalize import HAN_RE, clean_title, normalize_lines, paragraph_key, strip_pinyin_annotations
from .pagemeta import BodyMetadata, read_body_metadata
from .trafilatura_body import is_scrap, trafilatura_body, trafilatura_lines

_CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_LATIN_RE = re.compile(r"[A-Za-z\u00c0-\u024f]")
_CJK_SHARE = 0.15
# Short lines right after the body that still belong to it: 落款 (issuing organ, date).
_TAIL_MAX_CHARS = 40
_TAIL_WINDOW = 6
_SALUTATION_MAX_CHARS = 60
_ADOPTION_NOTE_RE = re.compile(r"^[（(].{4,60}(通过|发布|公布|印发|施行|修正|修订)[）)]$")
_CLOSING_RE = re.compile(r"[。！？.!?][”’\"')）]?$")
_ATTACHMENT_RE = re.compile(r"^附\s*件\s*\d*\s*[:：．.]?")
_DATE_CHARS_RE = re.compile(r"[\d\s年月日号\-/.〇○零一二三四五六七八九十]")


@dataclass(frozen=True)
class Extracted:
    """The document found (without charset facts, which the pipeline adds) and what was removed."""

    document: Document
    removed: dict[str, int] = field(default_factory=dict)


def _document(head: HeadMetadata, text: str, url: str | None, **fields) -> Document:
    """A Document from the page's declared metadata, with `fields` found in the body winning."""
    declared = dict(
        url=url, title=head.title, date=head.date, source=head.source, author=head.author,
        site_name=head.site_name, canonical_url=head.canonical_url, lang=head.lang,
        description=head.description,
    )
    return Document(text=text, **{**declared, **fields})


def is_cjk_page(root: lxml.html.HtmlElement) -> bool:
    """Most letters of the visible text are Chinese, Japanese or Korean."""
    body = root.find("body")
    sample = etree.tostring(body if body is not None else root, method="text", encoding="unicode")[:20000]
    cjk = len(_CJK_RE.findall(sample))
    latin = len(_LATIN_RE.findall(sample))
    return cjk > 0 and cjk / (cjk + latin) >= _CJK_SHARE


def _select_blocks(root, blocks: list[Block], selector: str) -> list[Block]:
    """Blocks inside the elements a site's CSS selector names (config override)."""
    try:
        matched = root.cssselect(selector)
    except SelectorError as exc:
        raise ConfigError(f"invalid CSS selector {selector!r}: {exc}") from None
    chosen = set()
    for el in matched:
        chosen.update(el.iter())
    return [b for b in blocks if b.owner in chosen]


def _is_closing_date(block: Block) -> bool:
    return not block.link_chars and block.chars <= 20 and bool(find_dates(block.text)) and len(
        _DATE_CHARS_RE.sub("", block.text)) <= 2


def _extend_tail(blocks: list[Block], end: int) -> int:
    """Take in the closing lines after the run: 附件 lines, the 落款 (organ, date), a sign-off.

    The scorer ends the run at the last long paragraph; these short lines score as
    chrome but belong to the text. Organ names are taken only when a bare date follows
    them (organ + date is a 落款); a short closing sentence ("特此通知。", "See you
    on the hills!") directly after the body is taken as it is.
    """
    last = end
    for block in blocks[end + 1 : end + 1 + _TAIL_WINDOW]:
        if _ATTACHMENT_RE.match(block.text):
            last = block.index
        elif block.link_chars or block.chars > _TAIL_MAX_CHARS * (1 if HAN_RE.search(block.text) else 3):
            break
        elif _is_closing_date(block):
            return block.index
        elif block.index == last + 1 and _CLOSING_RE.search(block.text) and not match_line_rule(block.text):
            last = block.index
    return last


def _strip_description(lines: list[str], description: str | None) -> list[str]:
    """A lead paragraph that repeats the page's description is metadata (DESIGN: description)."""
    if lines and description and paragraph_key(lines[0]) == paragraph_key(description):
        return lines[1:]
    return lines


def _extend_head(blocks: list[Block], start: int, end: int) -> int:
    """Adjust where the body starts: past leading chrome, back over an opening line.

    Leading link-only snippets ("19" comments, "举报") and metadata lines go; the
    salutation of a letter ("各乡镇人民政府，县直各部门：") and the adoption note of a
    law or resolution ("（2007年8月30日…会议通过）") just above the body come in.
    """
    while start < end and (_is_leading_chrome(blocks[start])):
        start += 1
    if start > 0:
        block = blocks[start - 1]
        if not block.link_chars and block.chars <= _SALUTATION_MAX_CHARS and (
            block.text.endswith((":", "：")) or _ADOPTION_NOTE_RE.match(block.text)
        ):
            return start - 1
    return start


def _is_leading_chrome(block: Block) -> bool:
    if block.link_ratio > 0.5 and block.chars < 30:
        return True
    return parse_meta_line(block.text).only_metadata


_is_title_line = is_title_line  # noise.py: the title, or most of it


def _strip_title(lines: list[str], title: str | None) -> list[str]:
    """Drop the title and the headline lines around it (noise.strip_title) from the top of the body."""
    return strip_title(lines, title)[0]


_HEADING_TAGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
_TITLE_WINDOW = 8
_COLUMN_NAME_MAX_CHARS = 8


def _looks_like_heading(block: Block) -> bool:
    if not 6 <= block.chars <= 120 or block.link_ratio >= 0.5:
        return False
    if block.tag in _HEADING_TAGS:
        return True
    owner, parent = block.owner, block.owner.getparent()
    return any(
        el is not None and TITLE_CLASS_RE.search(f"{el.get('class') or ''} {el.get('id') or ''}")
        for el in (owner, parent)
    )


def _heading_above(blocks: list[Block], start: int) -> str | None:
    """The heading nearest above the body (past the 来源/时间 line), else one opening it."""
    above = blocks[max(0, start - _TITLE_WINDOW) : start]
    for block in [*reversed(above), *blocks[start : start + 2]]:
        if parse_meta_line(block.text).only_metadata or match_line_rule(block.text):
            continue
        if _looks_like_heading(block):
            return block.text
    return None


def _choose_title(head: HeadMetadata, blocks: list[Block], start: int) -> str | None:
    """The page's declared title, unless the heading right above the body says otherwise.

    An ArticleTitle meta tag (or a labelled 标题 field) is trusted. Otherwise the heading nearest above the body
    wins when the declared title is a guess from <title>, is not shown near the body
    (unless <title> confirms it: "金锺国 - 维基百科" above a long table of contents),
    or is as short as a column name ("新闻动态" matched <title> first).
    """
    if head.title_from in ("meta", "label"):
        return head.title
    near = _heading_above(blocks, start)
    if not near or near == head.title:
        return head.title
    if head.title_from == "guess" or not (_shown_near(blocks, start, head.title) or title_confirmed(head)):
        return near
    if len(head.title or "") <= _COLUMN_NAME_MAX_CHARS < len(near):
        return near  # the declared "title" is a column name (新闻动态) shown above the article
    return head.title


def _shown_near(blocks: list[Block], start: int, title: str | None) -> bool:
    key = paragraph_key(title or "")
    window = blocks[max(0, start - _TITLE_WINDOW) : start + 2]
    return bool(key) and any(_is_title_line(paragraph_key(b.text), key) for b in window)


def _swapped(a: str, b: str) -> bool:
    """2022-06-02 vs 2022-02-06: one date read month-first, the other day-first."""
    return a[:4] == b[:4] and a[5:7] == b[8:10] and a[8:10] == b[5:7]


def _choose_date(body: BodyMetadata, head: HeadMetadata, url: str | None) -> str | None:
    """A labelled line in the page beats meta tags, which beat unlabelled dates and the URL.

    When the labelled line and the meta tag differ only by day/month order, the line
    was written day-first (06/02/2022) and the machine-readable meta tag is right.
    """
    if body.date and head.date and _swapped(body.date, head.date):
        return head.date
    return body.date or head.date or body.loose_date or head.markup_date or date_from_url(url) or body.tail_date


def _extract_cjk(root, url: str | None, head: HeadMetadata, config: CleanConfig) -> Extracted:
    source, date = scan_source_and_date(root)  # before noise removal: a share box may hold the date
    head = replace(head, source=head.source or source, markup_date=date)
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
        start, end = (_extend_head(blocks, run.start, run.end), _extend_tail(blocks, run.end)) if run else (0, -1)
    cut, cut_rule = cut_index([b.text for b in blocks[start : end + 1]], title=head.title)
    if cut_rule:
        removed[cut_rule] += end + 1 - (start + cut)
        end = start + cut - 1
    if end >= start:
        head = replace(head, title=clean_title(_choose_title(head, blocks, start)))
    body_meta: BodyMetadata = read_body_metadata(blocks, start, end, head.title)
    lines = [
        b.text for b in blocks[start : end + 1]
        if b.index not in body_meta.meta_indexes and (config.include_tables or b.tag != "tr")
    ]
    lines = _strip_title(lines, head.title)
    lines, line_counts = drop_noise_lines(lines, title=head.title)
    removed.update(line_counts)
    text = "\n".join(normalize_lines(lines))
    document = _document(
        head, text, url,
        date=_choose_date(body_meta, head, url),
        source=body_meta.source or head.source,
        author=person_name(body_meta.author) or person_name(head.author, others=(head.site_name, head.source)),
        editor=person_name(body_meta.editor),
        lang=document_lang(head.lang, text, default="zh"),
    )
    return Extracted(document, dict(removed))


def _extract_other(html: str, root, url: str | None, head: HeadMetadata, config: CleanConfig) -> Extracted:
    body = trafilatura_body(root, url, config.include_tables)
    if body is None:  # trafilatura found nothing, or kept a whole layout table
        root = dom.parse_html(html)  # trafilatura may have pruned the tree in place
        dom.drop_unreadable(root)
        return _extract_cjk(root, url, head, config)
    lines = normalize_lines(trafilatura_lines(body))
    if is_scrap(lines):
        lines = []  # a menu or a button label is not an article: the pipeline says "no main content"
    lines, line_counts = drop_noise_lines(lines, title=head.title)
    lines = _strip_description(_strip_title(lines, head.title), head.description)
    document = _document(
        head, "\n".join(lines), url, date=head.date or head.markup_date or date_from_url(url),
        author=person_name(head.author, others=(head.site_name, head.source)),
        lang=document_lang(head.lang, "\n".join(lines)),
    )
    return Extracted(document, dict(line_counts))


def extract(html: str, url: str | None = None, config: CleanConfig | None = None) -> Extracted:
    """Extract the article of one page (decoded HTML) and its metadata."""
    config = config or CleanConfig()
    html = strip_pinyin_annotations(html)
    root = dom.parse_html(html)
    head = read_head(root, url, html)
    dom.drop_unreadable(root)
    if config.body_selector or is_cjk_page(root):
        return _extract_cjk(root, url, head, config)
    return _extract_other(html, root, url, head, config)
