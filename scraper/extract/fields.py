"""Every metadata decision in one place: title, date, source, author, editor (lang: language.py).

The facts come from three readers, each knowing one kind of evidence: what the page
declares in <head> and JSON-LD (metadata.read_head), what it marks up by class or id
(markup.scan_source_and_date), and the labelled lines around the chosen body
(pagemeta.read_body_metadata). This module weighs them against each other.
"""

from __future__ import annotations

from dataclasses import dataclass

from .blocks import Block
from .bylines import parse_meta_line, person_name
from .dates import date_from_url
from .markup import TITLE_CLASS_RE, heading_text
from .metadata import HeadMetadata, title_confirmed
from .noise import is_title_line, match_line_rule
from .normalize import clean_title, paragraph_key
from .pagemeta import BodyMetadata

_HEADING_TAGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
_TITLE_WINDOW = 8
_COLUMN_NAME_MAX_CHARS = 8


@dataclass(frozen=True)
class Fields:
    """The metadata of one page, decided."""

    title: str | None
    date: str | None
    source: str | None
    author: str | None
    editor: str | None
    lang: str | None  # as declared; the body's own text corrects it (language.document_lang)


def strip_description(lines: list[str], description: str | None) -> list[str]:
    """A lead paragraph that repeats the page's description is metadata (DESIGN: description)."""
    if lines and description and paragraph_key(lines[0]) == paragraph_key(description):
        return lines[1:]
    return lines


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
        if _looks_like_heading(block):  # the heading's own text, without a type label or a badge
            return heading_text(block.owner) if block.tag in _HEADING_TAGS else block.text
    return None


def _shown_near(blocks: list[Block], start: int, title: str | None) -> bool:
    key = paragraph_key(title or "")
    window = blocks[max(0, start - _TITLE_WINDOW) : start + 2]
    return bool(key) and any(is_title_line(paragraph_key(b.text), key) for b in window)


def choose_title(head: HeadMetadata, blocks: list[Block], start: int) -> str | None:
    """The page's declared title, unless the heading right above the body says otherwise.

    An ArticleTitle meta tag (or a labelled 标题 field) is trusted. Otherwise the heading
    nearest above the body wins when the declared title is a guess from <title>, is not
    shown near the body (unless <title> confirms it: "金锺国 - 维基百科" above a long table
    of contents), or is as short as a column name ("新闻动态" matched <title> first).
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


def _swapped(a: str, b: str) -> bool:
    """2022-06-02 vs 2022-02-06: one date read month-first, the other day-first."""
    return a[:4] == b[:4] and a[5:7] == b[8:10] and a[8:10] == b[5:7]


def choose_date(body: BodyMetadata, head: HeadMetadata, url: str | None) -> str | None:
    """A labelled line in the page beats meta tags, which beat unlabelled dates and the URL.

    When the labelled line and the meta tag differ only by day/month order, the line
    was written day-first (06/02/2022) and the machine-readable meta tag is right.
    """
    if body.date and head.date and _swapped(body.date, head.date):
        return head.date
    return body.date or head.date or body.loose_date or head.markup_date or date_from_url(url) or body.tail_date


def decide(head: HeadMetadata, body: BodyMetadata | None, title: str | None, url: str | None, cjk: bool) -> Fields:
    """The fields of the page from its declarations and, if read, the lines around its body."""
    title = clean_title(title)
    if body is None:
        body = BodyMetadata()
    if not cjk:  # alphabetic pages: what the page declares first, its byline lines second
        return Fields(
            title=title, date=head.date or head.markup_date or body.date or date_from_url(url) or body.loose_date,
            source=head.source,
            author=person_name(head.author, others=(head.site_name, head.source)) or person_name(body.author),
            editor=person_name(body.editor), lang=head.lang,
        )
    return Fields(
        title=title,
        date=choose_date(body, head, url),
        source=body.source or head.source,
        author=person_name(body.author) or person_name(head.author, others=(head.site_name, head.source)),
        editor=person_name(body.editor),
        lang=head.lang,
    )
