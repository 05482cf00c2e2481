"""The language of a document from its own text, to check what `<html lang>` declares.

Templates get the attribute wrong both ways: a Chinese CMS ships `lang="en"` in every
page, an English blog theme says `zh-CN`, and many pages declare nothing. Counting
scripts on a sample of the visible text settles Chinese/Japanese/Korean against
alphabetic text; among alphabetic languages a few function words settle English
against the others. The extracted text is the sample: the page's menus and tickers
(often in another script) are gone by then, and the text is what the store keeps. Hand-written because it needs microseconds and no model file:
the question is only "does the declaration contradict the text", not a full
language identification (which py3langid or fastText answer at a far higher cost).
"""

from __future__ import annotations

import re
from collections import Counter

from .normalize import HAN_RE as _HAN_RE


_KANA_RE = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff]")
_HANGUL_RE = re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")
_LATIN_RE = re.compile(r"[A-Za-z\u00c0-\u024f]")
_CYRILLIC_RE = re.compile(r"[\u0400-\u04ff]")
_WORD_RE = re.compile(r"[a-zà-ÿœ']+")

SAMPLE_CHARS = 6000
_MIN_LETTERS = 40  # less alphabetic text than this says nothing
_MIN_CJK = 10  # ... or this many Chinese characters (a short phrase)
_CJK_SHARE = 0.15  # as page.is_cjk_page: one Han character weighs about one Latin word
_KANA_SHARE = 0.1  # of the CJK characters: Japanese writes kana between its kanji
_MIN_WORD_HITS = 3
_MIN_DISTINCT_WORDS = 2  # "per" twenty times in a price list is no Italian
_WORD_MARGIN = 2.0  # the winner needs twice the function words of the runner-up ...
_OVERRIDE_MARGIN = 3.0  # ... and three times to contradict the page's declared alphabetic language

# The most frequent short words of each language, chosen not to overlap and not to be
# common in English prices and code ("per", "y", "as" are left out).
_FUNCTION_WORDS = {
    "en": "the and of to is in that for with on are this was be by you it not have from or at an we our can will my your all".split(),
    "fr": "le la les des et est une du que pour dans pas sur au aux avec sont ce qui".split(),
    "de": "der die und das ist nicht mit den von zu ein sich auf dem eine für auch".split(),
    "es": "el los las que es por una con para del se su al lo como más".split(),
    "it": "il di che è una gli della con non sono nel alla anche questo".split(),
    "pt": "os que não uma com para do da em por mais são dos foi".split(),
    "nl": "de het een en van is dat op te zijn niet met voor ook aan".split(),
}
_WORD_LANGS: dict[str, list[str]] = {}
for _lang, _words in _FUNCTION_WORDS.items():
    for _word in _words:
        _WORD_LANGS.setdefault(_word, []).append(_lang)

_CJK_LANGS = frozenset(("zh", "ja", "ko"))


def _word_evidence(text: str) -> tuple[str | None, float]:
    """The alphabetic language the function words point to, and its lead over the runner-up."""
    hits: Counter = Counter()
    distinct: dict[str, set[str]] = {}
    for word in _WORD_RE.findall(text.lower()):
        for lang in _WORD_LANGS.get(word, ()):
            hits[lang] += 1
            distinct.setdefault(lang, set()).add(word)
    ranked = hits.most_common(2)
    if not ranked or ranked[0][1] < _MIN_WORD_HITS or len(distinct[ranked[0][0]]) < _MIN_DISTINCT_WORDS:
        return None, 0.0
    lead = ranked[0][1] / ranked[1][1] if len(ranked) > 1 else float("inf")
    return (ranked[0][0], lead) if lead >= _WORD_MARGIN else (None, 0.0)


def text_lang(text: str) -> str | None:
    """"zh", "ja", "ko", "ru", "en", "fr", ... as the text reads, or None when it cannot tell."""
    cjk = len(_HAN_RE.findall(text))
    kana = len(_KANA_RE.findall(text))
    hangul = len(_HANGUL_RE.findall(text))
    latin = len(_LATIN_RE.findall(text))
    cyrillic = len(_CYRILLIC_RE.findall(text))
    east = cjk + kana + hangul
    if east < _MIN_CJK and east + latin + cyrillic < _MIN_LETTERS:
        return None
    if east and east / (east + latin + cyrillic) >= _CJK_SHARE:
        if hangul > cjk + kana:
            return "ko"
        return "ja" if kana >= _KANA_SHARE * east else "zh"
    if cyrillic > latin:
        return "ru"
    return _word_evidence(text)[0]


def resolve_lang(declared: str | None, detected: str | None) -> str | None:
    """The declared language unless the text contradicts it.

    A CJK declaration on alphabetic text (or the reverse) is wrong; among alphabetic
    languages only clear function-word evidence overrides the declaration.
    """
    if not detected:
        return declared
    if not declared:
        return detected
    if (declared in _CJK_LANGS) != (detected in _CJK_LANGS):
        return detected
    if declared in _CJK_LANGS:
        return detected if declared != detected else declared
    return detected


def _alphabetic_override(declared: str, text: str) -> str:
    """Another alphabetic language only on strong function-word evidence."""
    lang, lead = _word_evidence(text)
    return lang if lang and lead >= _OVERRIDE_MARGIN else declared


def document_lang(declared: str | None, text: str, *, default: str | None = None) -> str | None:
    """The language to store for a document: `declared`, corrected by a sample of its text."""
    sample = text[:SAMPLE_CHARS]
    lang = resolve_lang(declared, text_lang(sample))
    if declared and lang and declared not in _CJK_LANGS and lang not in _CJK_LANGS and lang != declared:
        lang = _alphabetic_override(declared, sample)
    if lang is None and default in _CJK_LANGS and len(_LATIN_RE.findall(sample)) > len(_HAN_RE.findall(sample)):
        return None  # alphabetic text we cannot name is not Chinese either
    return lang or default
