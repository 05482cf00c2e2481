"""Metadata written in the page body around the article: dates, 来源, 作者, 编辑.

Chinese CMS templates put a line such as "发布时间：2020-01-31 · 来源：市政府办公室"
between the title and the body, and "（责任编辑：李四）" after it. These lines are
read into fields and their block indexes returned, so the body can leave them out.
A bare date in the last lines of the body is the 落款 of a notice: it stays in the
body and serves only as a last-resort publication date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .blocks import Block
from .bylines import MetaLine, label_count, leading_field, parse_meta_line
from .dates import TODAY_RE, find_dates
from .normalize import paragraph_key

_BEFORE = 40  # how far above the body to look for the title, then metadata lines below it
_HEAD_INTO_BODY = 5  # ... and how far into it
_TAIL_BEFORE_END = 4
_TAIL_AFTER_END = 8
_LOOSE_BEFORE = 80  # window for an unlabelled publication date (forums, blogs, portals)
_LOOSE_AFTER = 6
_LOOSE_MAX_CHARS = 100
_ROC_LINE_MAX_CHARS = 20  # a short date line may write an ROC year as 107-03-05
_TIME_RE = re.compile(r"\d{1,2}[:：]\d{2}")
_PUBLISH_WORD_RE = re.compile(r"发布|发表|更新|時間|时间|日期|posted|published", re.I)


@dataclass
class BodyMetadata:
    date: str | None = None  # from a labelled line (发布时间：...)
    loose_date: str | None = None  # a bare date next to the title
    tail_date: str | None = None  # the 落款 date at the end of the body
    source: str | None = None
    author: str | None = None
    editor: str | None = None
    written_date: str | None = None  # 成文日期: the publication date only when none is given
    meta_indexes: set[int] = field(default_factory=set)
    chief_editor: bool = False

    def take(self, line: MetaLine) -> None:
        """Keep the first value of each field; a 责任编辑 beats a plain 编辑.

        Authors add up: "本报记者 王燕平" and "本报实习生 刘国栋" on two lines are both the byline.
        """
        for name in ("source", "author", "editor"):
            value = line.fields.get(name)
            if value and not getattr(self, name):
                setattr(self, name, value)
            elif value and name == "author":
                known = self.author.split()
                self.author = " ".join([*known, *(n for n in value.split() if n not in known)])
        if line.chief_editor and not self.chief_editor:
            self.editor, self.chief_editor = line.fields["editor"], True
        if line.written_dates:
            self.written_date = self.written_date or line.written_dates[0]


def _title_index(blocks: list[Block], start: int, title: str | None) -> int | None:
    if not title:
        return None
    key = paragraph_key(title)
    for block in reversed(blocks[max(0, start - _BEFORE) : start + 3]):
        bkey = paragraph_key(block.text)
        if bkey and (bkey == key or (len(bkey) >= 6 and (key.startswith(bkey) or bkey.startswith(key)))):
            return block.index
    return None


def _read_head(blocks: list[Block], start: int, end: int, title: str | None, meta: BodyMetadata) -> None:
    title_at = _title_index(blocks, start, title)
    first = title_at if title_at is not None else max(0, start - 4)
    for block in blocks[first : min(start + _HEAD_INTO_BODY, end + 1)]:
        line = parse_meta_line(block.text)
        if not line.only_metadata and not line.fields:
            continue
        if block.index >= end - 1 and not line.labelled:
            continue  # a bare date closing a short notice is its 落款, read by _read_tail
        if line.only_metadata:
            meta.meta_indexes.add(block.index)
        meta.take(line)
        if line.dates and (line.fields or line.labelled or _is_labelled(block.text)):
            meta.date = meta.date or line.dates[0]
        elif line.dates:
            meta.loose_date = meta.loose_date or line.dates[0]


def _is_labelled(text: str) -> bool:
    return any(ch in text for ch in ":：") or "发表于" in text or "发布于" in text


def _read_tail(blocks: list[Block], start: int, end: int, meta: BodyMetadata) -> None:
    lo = max(min(start + _HEAD_INTO_BODY, end + 1), end - _TAIL_BEFORE_END)  # a short body: right after it
    for block in blocks[lo : end + _TAIL_AFTER_END]:
        line = parse_meta_line(block.text)
        if line.only_metadata and (line.fields or line.labelled):
            meta.meta_indexes.add(block.index)  # 责任编辑：…, 资料更新时间：…
            meta.take(line)
        elif block.index <= end and line.only_metadata and line.dates:
            meta.tail_date = line.dates[-1]  # 落款: kept in the body


def _loose_date(blocks: list[Block], start: int, end: int) -> str | None:
    """The likeliest publication date near the article when no line labels one.

    Dates next to the body's start win; a time of day or a word such as 发表 next
    to the date is strong evidence of a timestamp; long prose lines (dates the article
    talks about) and link lists (other articles' dates) are not considered.
    """
    best: tuple[float, str] | None = None
    window = blocks[max(0, start - _LOOSE_BEFORE) : min(len(blocks), end + _LOOSE_AFTER)]
    for block in window:
        inside = start <= block.index <= end
        if block.chars > _LOOSE_MAX_CHARS or block.link_ratio > 0.5 or TODAY_RE.search(block.text):
            continue  # long prose, link lists, and the header's "今天是…星期一" widget
        timed = bool(_TIME_RE.search(block.text))
        worded = bool(_PUBLISH_WORD_RE.search(block.text))
        if inside and start + 2 < block.index < end - 3 and not (timed and worded):
            continue
        dates = find_dates(block.text, roc=block.chars <= _ROC_LINE_MAX_CHARS)
        if not dates:
            continue
        distance = start - block.index if block.index < start else max(0, block.index - end) + 2
        score = distance - 10 * timed - 10 * worded
        if best is None or score < best[0]:
            best = (score, dates[0])
    return best[1] if best else None


# A 信息公开 (government information disclosure) table: 索引号, 主题分类, 发文字号, 成文日期,
# 发布日期, 发布机构, 标题 in label/value cells. Its rows are metadata wherever they sit.
_DISCLOSURE_MIN_LABELS = 3
_DISCLOSURE_VALUE_MAX_CHARS = 100
_DISCLOSURE_AFTER_START = 15


def _disclosure_lines(blocks: list[Block]) -> list[tuple[list[int], str]]:
    """Runs of label blocks ("索引号：", "发布日期：2020-01-20") with the value cells after them.

    Each item: the block indexes of one logical field and its text, a label-only cell
    joined to the value cell that follows it.
    """
    lines: list[tuple[list[int], str]] = []
    for block in blocks:
        if leading_field(block.text):
            lines.append(([block.index], block.text))
        elif lines and lines[-1][0] and lines[-1][0][-1] == block.index - 1 \
                and lines[-1][1].rstrip().endswith((":", "：")) and block.chars <= _DISCLOSURE_VALUE_MAX_CHARS:
            indexes, text = lines[-1]
            lines[-1] = ([*indexes, block.index], f"{text} {block.text}")
        else:
            lines.append(([], ""))  # a gap: the table, if any, has ended
    return lines


def _read_disclosure(blocks: list[Block], start: int, end: int, meta: BodyMetadata) -> None:
    window = blocks[max(0, start - _BEFORE) : min(end, start + _DISCLOSURE_AFTER_START) + 1]
    run: list[tuple[list[int], MetaLine, str]] = []
    for indexes, text in [*_disclosure_lines(window), ([], "")]:
        line = parse_meta_line(text) if indexes else None
        if line is not None and line.only_metadata:
            run.append((indexes, line, text))
            continue
        kinds = {leading_field(text) for _, _, text in run}
        if "disclosure" in kinds and sum(label_count(text) for _, _, text in run) >= _DISCLOSURE_MIN_LABELS:
            for idx, line, _ in run:
                meta.meta_indexes.update(idx)
                meta.take(line)
                meta.date = meta.date or (line.dates[0] if line.dates else None)
            return
        run = []


def read_body_metadata(blocks: list[Block], start: int, end: int, title: str | None) -> BodyMetadata:
    """Fields from the lines around the article run [start, end]; which lines were metadata."""
    meta = BodyMetadata()
    if end < start:
        return meta
    _read_disclosure(blocks, start, end, meta)
    _read_head(blocks, start, end, title, meta)
    _read_tail(blocks, start, end, meta)
    meta.date = meta.date or meta.written_date
    if not meta.date and not meta.loose_date:
        meta.loose_date = _loose_date(blocks, start, end)
    if not meta.tail_date:
        for block in blocks[max(start, end - 2) : end + 1]:
            dates = find_dates(block.text, roc=len(block.text) <= _ROC_LINE_MAX_CHARS)
            if dates and len(block.text) <= 30:
                meta.tail_date = dates[-1]
    return meta
