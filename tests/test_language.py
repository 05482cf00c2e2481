"""The language of a document from its text (scraper/extract/language.py)."""

from __future__ import annotations

import pytest

from scraper.extract.language import document_lang, resolve_lang, text_lang

ZH = "1月30日，通渭县召开新型冠状病毒感染的肺炎疫情防控工作会议，安排部署全县疫情防控工作。县委书记主持会议并讲话。"
EN = ("The council voted on Tuesday to approve a new budget for the district's schools, ending months of debate. "
      "Officials said the plan would add forty teachers and repair the roofs of six buildings before winter.")
FR = ("Le barbecue charbon est le barbecue le plus célèbre et le plus apprécié. Disponible dans de nombreux modèles, "
      "il est idéal pour les grillades en famille et les repas entre amis sur la terrasse.")
JA = "東京都は30日、新型コロナウイルスの感染者が新たに確認されたと発表した。都内での感染確認は累計で100人を超えた。"
KO = "서울시는 30일 신종 코로나바이러스 감염증 확진자가 새로 확인됐다고 밝혔다. 시는 방역 대책을 강화하기로 했다."


@pytest.mark.parametrize(("text", "lang"), [(ZH, "zh"), (EN, "en"), (FR, "fr"), (JA, "ja"), (KO, "ko")])
def test_text_lang(text, lang):
    assert text_lang(text) == lang


def test_chinese_text_with_english_words_is_chinese():
    assert text_lang(ZH + " WTO GDP CPI Wi-Fi APP") == "zh"


@pytest.mark.parametrize("text", ["", "OK", "12345 67890", "Home About Contact"])
def test_too_little_text_says_nothing(text):
    assert text_lang(text) is None


def test_short_chinese_title_is_enough():
    assert text_lang("全球价值链视角下的发展格局:结构、循环与效应分析") == "zh"


@pytest.mark.parametrize(
    ("declared", "detected", "lang"),
    [
        ("en", "zh", "zh"),  # a Chinese CMS that ships lang="en" in every page
        ("zh", "en", "en"),  # an English theme that says zh-CN
        (None, "en", "en"),
        ("fr", None, "fr"),  # the text cannot tell: trust the page
        ("zh", "zh", "zh"),
        ("zh", "ja", "ja"),
        ("en", "fr", "fr"),  # clear function-word evidence overrides
    ],
)
def test_resolve_lang(declared, detected, lang):
    assert resolve_lang(declared, detected) == lang


def test_document_lang_default_when_nothing_is_known():
    assert document_lang(None, "", default="zh") == "zh"
    assert document_lang("en", ZH * 3) == "zh"
    assert document_lang("zh", EN) == "en"


def test_words_common_in_english_prices_and_code_are_no_evidence():
    """"$20 per month" twenty times is English, not Italian; "y" in coordinates is not Spanish."""
    prices = " ".join(f"Plan {i}: $2{i} per month, billed yearly." for i in range(20))
    assert text_lang(prices + " " + EN) == "en"
    assert text_lang('{"x": 1, "y": 2} ' * 20) is None


def test_a_declared_alphabetic_language_needs_strong_evidence_to_change():
    mixed = FR + " " + "The cookie settings page is in English and the rest of the page is in French here."
    assert document_lang("en", mixed) == "en"  # French leads, but not by enough to contradict the page
    assert document_lang("en", FR * 3) == "fr"


def test_alphabetic_text_is_never_given_the_chinese_default():
    assert document_lang(None, "Kristyna R\nShop Here\nFrozen Pizza Stars - 9oz\nFish Sticks - 8.45oz", default="zh") is None
    assert document_lang(None, "Check out my favorites! Kidfresh Frozen Chicken Meatballs for all your kids", default="zh") == "en"
