"""Dates as Chinese (and English) pages write them, parsed to ISO `YYYY-MM-DD`.

Hand-written because the libraries get the Chinese forms wrong: htmldate reads
"2020年1月31日" as 2020-01-01, and none reads 二〇二一年十月二十二日 or the ROC
calendar (民國109年 / 109-02-05) that Taiwanese government sites use.
"""

from __future__ import annotations

import functools
import re
from datetime import date

MIN_YEAR, MAX_YEAR = 1990, 2100
ROC_OFFSET = 1911

_SEP = r"\s*[-/.．]\s*"
_NUMERIC_RE = re.compile(rf"(?<!\d)((?:19|20)\d{{2}}){_SEP}(\d{{1,2}}){_SEP}(\d{{1,2}})(?!\d)")
_CJK_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号號]")
_COMPACT_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?!\d)")
# ROC years: 民國107年3月5日 / 民国107年 / 中華民國 107 年; a bare three-digit year (107年3月5日)
# is ROC too, since no Gregorian date has one; two digits need the 民國 prefix or `roc`.
_ROC_CJK_RE = re.compile(r"(民[國国]\s*)?(?<![\d.])(\d{2,3})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号號]")
_ROC_MARK_RE = re.compile(r"民[國国]")
_ROC_NUMERIC_RE = re.compile(rf"(?<!\d)(\d{{2,3}}){_SEP}(\d{{1,2}}){_SEP}(\d{{1,2}})(?!\d)")

_HAN_DIGITS = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "O": 0, "o": 0, "一": 1, "二": 2, "三": 3, "四": 4,
               "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_HAN_DIGIT = "〇○零ＯOo一二三四五六七八九"
_HAN_DATE_RE = re.compile(rf"([{_HAN_DIGIT}]{{4}})\s*年\s*([一二三四五六七八九十]{{1,3}})\s*月\s*([一二三四五六七八九十]{{1,4}})\s*日")

# ASP/.NET on US-locale servers: "9/17/2004 5:54:13 AM" (month first).
_US_RE = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/((?:19|20)\d{2})(?![\d/])")

_MONTHS = {m: i for i, m in enumerate(
    "jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)}
_EN_MDY_RE = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+((?:19|20)\d{2})\b", re.I)
_EN_DMY_RE = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?,?\s+((?:19|20)\d{2})\b", re.I)


# Full-width digits and separators ("２０２０年１月３１日", "２０２０－０１－３１"), as some CMS
# templates and typed documents write them; same length, so match positions hold.
_FULLWIDTH = str.maketrans("０１２３４５６７８９－／．", "0123456789-/.")


# "今天是2024年1月1日 星期一": the header's date widget shows today, not the article's date.
TODAY_RE = re.compile(r"今天|今日|星期|礼拜|周[一二三四五六日天]|天气")


def make_date(year: int, month: int, day: int) -> str | None:
    """ISO string for a real calendar date in a plausible range, else None."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _han_number(text: str) -> int:
    """十 -> 10, 二十二 -> 22, 三十一 -> 31, 十二 -> 12."""
    if "十" not in text:
        return _HAN_DIGITS.get(text, 0)
    tens, _, ones = text.partition("十")
    return (_HAN_DIGITS.get(tens, 0) if tens else 1) * 10 + (_HAN_DIGITS.get(ones, 0) if ones else 0)


def _han_date(m: re.Match[str]) -> str | None:
    year = int("".join(str(_HAN_DIGITS[c]) for c in m.group(1)))
    return make_date(year, _han_number(m.group(2)), _han_number(m.group(3)))


def find_dates(text: str, *, roc: bool = False) -> list[str]:
    """Every date in `text`, in order of appearance.

    ROC years written out (民國107年3月5日, 107年3月5日) are always read. `roc`: also read
    109-02-05 as ROC year 109 (a labelled date field, a short date line), as the text
    does anyway when it says 民國; such a reading never beats a Gregorian date.
    """
    text = text.translate(_FULLWIDTH)
    found: list[tuple[int, str]] = []
    for regex in (_NUMERIC_RE, _CJK_RE):
        for m in regex.finditer(text):
            iso = make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            if iso:
                found.append((m.start(), iso))
    for m in _HAN_DATE_RE.finditer(text):
        iso = _han_date(m)
        if iso:
            found.append((m.start(), iso))
    for m in _ROC_CJK_RE.finditer(text):
        if m.group(1) or roc or len(m.group(2)) == 3:
            iso = make_date(int(m.group(2)) + ROC_OFFSET, int(m.group(3)), int(m.group(4)))
            if iso:
                found.append((m.start(), iso))
    if (roc or _ROC_MARK_RE.search(text)) and not found:
        for m in _ROC_NUMERIC_RE.finditer(text):
            iso = make_date(int(m.group(1)) + ROC_OFFSET, int(m.group(2)), int(m.group(3)))
            if iso:
                found.append((m.start(), iso))
    for m in _US_RE.finditer(text):
        first, second, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        iso = make_date(year, first, second) if first <= 12 else make_date(year, second, first)
        if iso:
            found.append((m.start(), iso))
    for m in _EN_MDY_RE.finditer(text):
        iso = make_date(int(m.group(3)), _MONTHS[m.group(1)[:3].lower()], int(m.group(2)))
        if iso:
            found.append((m.start(), iso))
    for m in _EN_DMY_RE.finditer(text):
        iso = make_date(int(m.group(3)), _MONTHS[m.group(2)[:3].lower()], int(m.group(1)))
        if iso:
            found.append((m.start(), iso))
    return [iso for _, iso in sorted(found)]


def parse_date(text: str | None, *, roc: bool = False) -> str | None:
    """The first date in `text`, or None."""
    if not text:
        return None
    dates = find_dates(text, roc=roc)
    return dates[0] if dates else None


# URL shapes of the big Chinese CMSs: TRS "/202001/t20200131_123.html", Hanweb
# "/art/2020/1/31/art_12_34.html", "/2020-01/31/content_1.htm", "/2020/0131/c12a34/page.htm",
# news sites "/20200131/n123.shtml", "/2020/01-31/123.shtml", "/202001/31/WS1.html",
# and plain "/2020/01/31/".
_URL_PATTERNS = (
    re.compile(r"[/_tn]((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?=[_/.\-]|\d{3,})"),
    re.compile(r"/art/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/"),
    re.compile(r"/((?:19|20)\d{2})-(\d{2})/(\d{2})/"),
    re.compile(r"/((?:19|20)\d{2})/(\d{2})-(\d{2})/"),  # chinanews.com.cn
    re.compile(r"/((?:19|20)\d{2})(\d{2})/(\d{2})/"),  # chinadaily.com.cn /a/202001/31/WS...
    re.compile(r"/((?:19|20)\d{2})/(\d{2})(\d{2})/"),
    re.compile(r"/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/"),
    re.compile(r"/((?:19|20)\d{2})-(\d{2})-(\d{2})/"),
)


def date_from_url(url: str | None) -> str | None:
    """The publication date encoded in a CMS article URL, if any."""
    if not url:
        return None
    for pattern in _URL_PATTERNS:
        m = pattern.search(url)
        if m:
            iso = make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            if iso:
                return iso
    return None


@functools.lru_cache(maxsize=4096)  # shared by a page's readings; bounded for long batch runs
def has_date(text: str) -> bool:
    """Whether a line holds a date (memoised: the record and thread readers ask of the same lines)."""
    return bool(find_dates(text))
