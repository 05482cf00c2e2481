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

import re
from collections import Counter

from .noise_rules import CUT_RULES, LINE_RULES, CutRule, LineRule


# A line that ends a sentence, or holds a full stop followed by more text. A "；" alone
# is not enough: footers separate their fields with it ("版权所有：X；技术支持：Y").
_SENTENCE_RE = re.compile(r"[。！？!?][”’」』）)]?\s*$|。.+")
_SENTENCE_MIN_LEN = 15


def reads_as_sentence(line: str) -> bool:
    """Body prose: ends a sentence or holds one, and is not just a short label."""
    return len(line) >= _SENTENCE_MIN_LEN and bool(_SENTENCE_RE.search(line))


def match_line_rule(line: str, rules: tuple[LineRule, ...] = LINE_RULES) -> str | None:
    """The name of the first rule that says `line` is chrome, or None."""
    sentence: bool | None = None
    for rule in rules:
        if len(line) <= rule.max_len and rule.pattern.search(line):
            if rule.prose_guard:
                if sentence is None:
                    sentence = reads_as_sentence(line)
                if sentence:
                    continue
            return rule.name
    return None


def cut_index(lines: list[str], rules: tuple[CutRule, ...] = CUT_RULES) -> tuple[int, str | None]:
    """Where the trailing chrome starts (len(lines) if nowhere) and the rule that found it."""
    total = sum(len(line) for line in lines)
    seen = 0
    for i, line in enumerate(lines):
        if seen * 2 >= total:
            for rule in rules:
                if len(line) <= rule.max_len and rule.pattern.search(line):
                    return i, rule.name
        seen += len(line)
    return len(lines), None


def drop_noise_lines(lines: list[str]) -> tuple[list[str], Counter]:
    """Apply cut rules then line rules to the content lines; return kept lines and counts."""
    counts: Counter = Counter()
    end, cut_rule = cut_index(lines)
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
