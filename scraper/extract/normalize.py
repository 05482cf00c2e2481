"""Text normalisation applied to extracted lines: whitespace, pinyin annotations, repeats.

Pure string functions; the extractor calls them on the final paragraphs.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Iterable

# Whitespace that real pages put inside text: ideographic space, nbsp, zero-width
# characters, BOM. Tabs and newlines inside a paragraph are layout, not content.
_SPACE_RE = re.compile(r"[\s\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE_RE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
# Control characters (NUL from broken CMS exports, form feeds) never belong in text.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_RE = re.compile(f"[{_HAN}]")  # one Han character: tells Chinese text from alphabetic

# Pinyin annotations ("務(wù)", "級(jí)"): a Han character followed by one romanised
# syllable in parentheses. Some converters used to insert them into traditional-
# character pages. We only remove syllables that carry a tone mark (so "北京(Beijing)"
# or "(社區)" are untouched); toneless syllables ("們(men)") are removed only when the
# same text has several toned annotations, which proves the converter was at work.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_PINYIN_LETTERS = f"a-zü{_TONED}"
# Scans for the parenthesis first (fast) and checks the Han character before it after.
_ANNOTATION_RE = re.compile(rf"[(（]([{_PINYIN_LETTERS}]{{1,6}})[)）]")
_HAN_CHAR_RE = re.compile(rf"[{_HAN}]")
_TONED_RE = re.compile(f"[{_TONED}]")
_PINYIN_SYLLABLE_RE = re.compile(
    r"^(?:[bpmfdtnlgkhjqxrzcsyw]|zh|ch|sh)?"
    r"(?:a|ai|an|ang|ao|e|ei|en|eng|er|i|ia|ian|iang|iao|ie|in|ing|iong|iu|o|ong|ou|"
    r"u|ua|uai|uan|uang|ue|ui|un|uo|v|ve|ü|üe|üan|ün)$"
)
_TONE_STRIP = str.maketrans(
    "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ", "aaaaeeeeiiiioooouuuuüüüünnnm"
)
_MIN_TONED_FOR_TONELESS = 3


def _is_pinyin(syllable: str) -> bool:
    return bool(_PINYIN_SYLLABLE_RE.match(syllable.translate(_TONE_STRIP)))


def strip_pinyin_annotations(text: str) -> str:
    """Remove romanised annotations inserted after Han characters: 務(wù) -> 務."""
    if "(" not in text and "（" not in text:
        return text
    matches = [
        m for m in _ANNOTATION_RE.finditer(text)
        if m.start() and _HAN_CHAR_RE.match(text, m.start() - 1) and _is_pinyin(m.group(1))
    ]
    if not matches:
        return text
    toned = sum(1 for m in matches if _TONED_RE.search(m.group(1)))
    allow_toneless = toned >= _MIN_TONED_FOR_TONELESS
    out, last = [], 0
    for m in matches:
        if _TONED_RE.search(m.group(1)) or allow_toneless:
            out.append(text[last : m.start()])
            last = m.end()
    out.append(text[last:])
    return "".join(out)


@functools.lru_cache(maxsize=4096)  # shared by a page's readings; bounded for long batch runs
def clean_line(line: str) -> str:
    """Collapse whitespace inside one paragraph and drop invisible/control characters."""
    line = _CONTROL_RE.sub("", _INVISIBLE_RE.sub("", line))
    return _SPACE_RE.sub(" ", line).strip()


# "2020 年 1 月 31 日" as some CMSs space their titles: no space between a digit and 年/月/日.
_DATE_SPACING_RE = re.compile(r"(?<=\d)[\s\u3000]+(?=[年月日号])|(?<=[年月])[\s\u3000]+(?=\d)")
# Anchor and edit links glued to a heading: "Models¶" (Sphinx), "简介[编辑]" (MediaWiki)
_HEADING_LINK_RE = re.compile(r"\s*(?:¶|\[(?:编辑|編輯|edit)\])\s*$", re.I)
_TAG_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
# Markup, not text about markup: a closing tag, or a tag with attributes. "30 Years of <br>
# Tags" is a title that names a tag.
_MARKUP_RE = re.compile(r"</[A-Za-z][A-Za-z0-9]*\s*>|<[A-Za-z][A-Za-z0-9]*\s+[\w:-]+\s*=")


def strip_tags(text: str) -> str:
    """Remove HTML tags left inside a text value, when the value holds real markup."""
    if "<" not in text or not _MARKUP_RE.search(text):
        return text
    return _TAG_RE.sub("", text)


def clean_title(title: str | None) -> str | None:
    """A title as it should be stored: one line, no markup, no spaces inside dates, no "¶"."""
    if not title:
        return title
    title = _HEADING_LINK_RE.sub("", _DATE_SPACING_RE.sub("", clean_line(strip_tags(title))))
    return title or None


@functools.lru_cache(maxsize=4096)  # shared by a page's readings; bounded for long batch runs
def paragraph_key(line: str) -> str:
    """A comparison key for spotting a paragraph a page holds twice."""
    return re.sub(r"\W+", "", unicodedata.normalize("NFKC", line)).lower()


_RUN_MIN_CHARS = 40  # a repeated run of lines this long (in key characters) is a copy
_SINGLE_MIN_CHARS = 60  # ... and so is one repeated paragraph this long (Latin script)
_SINGLE_MIN_HAN = 24  # Chinese says as much in far fewer characters
_SHORT_KEY = 12


def _repeat_length(keys: list[str], i: int, j: int) -> int:
    """How many lines from i repeat the lines from j (an earlier run, not overlapping)."""
    n = 0
    while i + n < len(keys) and j + n < i and keys[i + n] and keys[i + n] == keys[j + n]:
        n += 1
    return n


def dedupe_paragraphs(lines: Iterable[str]) -> list[str]:
    """Drop what the page holds twice: a desktop + mobile copy, a block repeated.

    Only runs of lines that repeat an earlier run (40 key characters or more), or a
    long paragraph repeated on its own, are copies. Short lines that a page really
    repeats — table cells ("是"), spec values, lines of code, dates — stay.
    """
    lines = list(lines)
    keys = [paragraph_key(line) for line in lines]
    first: dict[str, int] = {}
    out: list[str] = []
    i = 0
    while i < len(lines):
        j = first.get(keys[i]) if keys[i] else None
        if j is not None:
            n = _repeat_length(keys, i, j)
            chars = sum(len(k) for k in keys[i : i + n])
            single = _SINGLE_MIN_HAN if HAN_RE.search(keys[i]) else _SINGLE_MIN_CHARS
            if (n >= 2 and chars >= _RUN_MIN_CHARS) or (n == 1 and chars >= single):
                # the copy goes, but short lines inside it ("附件：", a date) may be the page's own
                out.extend(lines[k] for k in range(i, i + n) if len(keys[k]) < _SHORT_KEY)
                i += n
                continue
        first.setdefault(keys[i], i)
        out.append(lines[i])
        i += 1
    return out


def normalize_lines(lines: Iterable[str]) -> list[str]:
    """Whitespace-clean each line, drop empty ones, strip pinyin annotations, dedupe."""
    cleaned = (clean_line(line) for line in lines)
    joined = "\n".join(line for line in cleaned if line)
    joined = strip_pinyin_annotations(joined)
    return dedupe_paragraphs(joined.split("\n")) if joined else []
