"""The noise catalogue: named rules (data) and the code that applies them.

Three kinds of rules, each small enough to test on its own:
- ElementRule: page regions recognised by tag or class/id (menus, footers, comments),
  masked before the main content is chosen (applied in prune.py, under its guards);
- LineRule: one line of the chosen content that is chrome (上一篇..., 打印本页, ICP
  footers, view counters), removed after it;
- CutRule: a line that starts the trailing chrome of an article (相关新闻, 网友评论):
  it and everything after it go.
Every rule has a length limit or a guard so that body text that merely mentions a
noise word (a paragraph about 版权 law) survives. Counts per rule name are returned
so a run can report what was removed.
"""

from __future__ import annotations

import functools
import re
from collections import Counter

from .noise_rules import CUT_RULES, LINE_RULES, TITLE_RULES, CutRule, LineRule, TitleRule
from .normalize import HAN_RE, paragraph_key


# A line that ends a sentence, or holds a full stop followed by more text. A "；" alone
# is not enough: footers separate their fields with it ("版权所有：X；技术支持：Y").
_SENTENCE_RE = re.compile(r"[。！？!?][”’」』）)]?\s*$|。.+")
_SENTENCE_MIN_LEN = 15


def reads_as_sentence(line: str) -> bool:
    """Body prose: ends a sentence or holds one, and is not just a short label."""
    return len(line) >= _SENTENCE_MIN_LEN and bool(_SENTENCE_RE.search(line))


def match_line_rule(line: str, rules: tuple[LineRule, ...] = LINE_RULES) -> str | None:
    """The name of the first rule that says `line` is chrome, or None."""
    if rules is LINE_RULES:
        return _catalogue_verdict(line)
    return _first_rule(line, rules)


@functools.lru_cache(maxsize=4096)  # shared by a page's readings; bounded for long batch runs
def _catalogue_verdict(line: str) -> str | None:
    """Memoised for the shipped catalogue: a page's lines recur in each of its candidate readings."""
    return _first_rule(line, LINE_RULES)


def _first_rule(line: str, rules: tuple[LineRule, ...]) -> str | None:
    sentence: bool | None = None
    has = line.lower().__contains__
    for rule in rules:
        if rule.hints and not any(map(has, rule.hints)):
            continue
        if len(line) <= rule.max_len and rule.pattern.search(line):
            if rule.prose_guard:
                if sentence is None:
                    sentence = reads_as_sentence(line)
                if sentence:
                    continue
            return rule.name
    return None


# An English paragraph at least this long after a matching line: the line is mid-article.
_PROSE_AFTER_MIN_CHARS = 80
_PROSE_AFTER_SHARE = 0.3  # ... and this share of the content after the line: the middle of the page
_LATIN_PAGE_HAN_SHARE = 0.15
_BOX_HEADLINE_MAX_CHARS = 40


_PARAGRAPH_END_RE = re.compile(r"[.!?。！？][\"'”’)）]?\s*$")


def _english_prose_follows(lines: list[str], total: int) -> bool:
    """Much English prose (long paragraphs ending a sentence) comes later: the article goes on.

    A few paragraphs of disclaimers after a copyright line are the page's end, not its middle.
    """
    prose = sum(
        len(line) for line in lines
        if len(line) >= _PROSE_AFTER_MIN_CHARS and _PARAGRAPH_END_RE.search(line) and not HAN_RE.search(line)
    )
    return prose >= _PROSE_AFTER_SHARE * total


def _box_start(lines: list[str], i: int, rule: CutRule, title: str | None) -> int:
    """Where a box ending at line i starts: the earliest of its last `box_lines` lines that
    repeats the title or an earlier line (the box's headline), else line i itself."""
    keys = {paragraph_key(title)} if title else set()
    for j in range(max(1, i - rule.box_lines), i):
        key = paragraph_key(lines[j])
        if len(lines[j]) > _BOX_HEADLINE_MAX_CHARS or reads_as_sentence(lines[j]) or not key:
            continue
        if key in keys or key in {paragraph_key(line) for line in lines[:j]}:
            return j
    return i


def cut_index(
    lines: list[str], rules: tuple[CutRule, ...] = CUT_RULES, *, title: str | None = None
) -> tuple[int, str | None]:
    """Where the trailing chrome starts (len(lines) if nowhere) and the rule that found it.

    The rules were written for Chinese footers; on an English page (or an English line)
    a rule does not fire when much of the content after the line is English prose.
    """
    total = sum(len(line) for line in lines)
    han = sum(_han_count(line) for line in lines)
    latin_page = han < _LATIN_PAGE_HAN_SHARE * total
    seen = 0
    for i, line in enumerate(lines):
        if seen * 2 >= total:
            matching = _cut_matches(line) if rules is CUT_RULES else _matching(line, rules)
            for rule in matching:
                if (latin_page or not _han_count(line)) and _english_prose_follows(lines[i + 1 :], total):
                    continue
                return (_box_start(lines, i, rule, title) if rule.box_lines else i), rule.name
        seen += len(line)
    return len(lines), None


def _matching(line: str, rules: tuple[CutRule, ...]) -> tuple[CutRule, ...]:
    return tuple(rule for rule in rules if len(line) <= rule.max_len and rule.pattern.search(line))


@functools.lru_cache(maxsize=4096)  # shared by a page's readings; bounded for long batch runs
def _cut_matches(line: str) -> tuple[CutRule, ...]:
    """The catalogue's cut rules matching a line (memoised: lines recur in every candidate)."""
    return _matching(line, CUT_RULES)


@functools.lru_cache(maxsize=4096)  # shared by a page's readings; bounded for long batch runs
def _han_count(line: str) -> int:
    return len(HAN_RE.findall(line))


def drop_noise_lines(lines: list[str], *, title: str | None = None) -> tuple[list[str], Counter]:
    """Apply cut rules then line rules to the content lines; return kept lines and counts.

    `title`: the page's title, which a topic box after the body repeats.
    """
    counts: Counter = Counter()
    end, cut_rule = cut_index(lines, title=title)
    if cut_rule:
        counts[cut_rule] += len(lines) - end
    kept = []
    for line in lines[:end]:
        name = match_line_rule(line)
        if name:
            counts[name] += 1
        else:
            kept.append(line)
    return kept, counts


_TITLE_LABEL_RE = re.compile(r"^(主题|标题|题目|主題|標題)")
TITLE_SEARCH_LINES = 4
_BELOW_TITLE_LINES = 2  # a 副题 and a 发文字号


def is_title_line(line_key: str, title_key: str) -> bool:
    """The title, or most of it (a title split over two lines, a truncated repeat, "主题：…")."""
    line_key = _TITLE_LABEL_RE.sub("", line_key)
    if not line_key:
        return False
    if line_key == title_key:
        return True
    shorter, longer = sorted((line_key, title_key), key=len)
    return len(shorter) >= 0.7 * len(longer) and (longer.startswith(shorter) or longer.endswith(shorter))


def _title_rule(line: str, above: bool, rules: tuple[TitleRule, ...]) -> str | None:
    for rule in rules:
        if rule.above is above and len(line) <= rule.max_len and rule.pattern.search(line):
            return rule.name
    return None


def strip_title(
    lines: list[str], title: str | None, rules: tuple[TitleRule, ...] = TITLE_RULES
) -> tuple[list[str], Counter]:
    """Drop the title from the top of the body, with the headline lines around it.

    Above it: the column name, a breadcrumb, a 引题 lead-in; below it: a 副题, a 发文字号. Only at
    the top: a subheading later in the body that happens to start like the title
    stays (lines that are exactly the title go wherever they are, when the top holds none).
    """
    counts: Counter = Counter()
    if not title:
        return lines, counts
    key = paragraph_key(title)
    above: list[str] = []
    for i, line in enumerate(lines[:TITLE_SEARCH_LINES]):
        if is_title_line(paragraph_key(line), key):
            counts.update(above)
            counts["title_repeat"] += 1
            end = i + 1
            while end < len(lines) and end <= i + _BELOW_TITLE_LINES:
                name = _title_rule(lines[end], False, rules)
                if not name:
                    break
                counts[name] += 1
                end += 1
            return lines[end:], counts
        name = _title_rule(line, True, rules)
        if not name:
            break
        above.append(name)
    kept = [line for line in lines if paragraph_key(line) != key]
    if len(kept) < len(lines):
        counts["title_repeat"] = len(lines) - len(kept)
    return kept, counts
