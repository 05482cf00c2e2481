"""Text normalisation of extracted lines (scraper/normalize.py)."""

from __future__ import annotations

import pytest

from scraper.extract.normalize import (
    clean_line, clean_title, dedupe_paragraphs, normalize_lines, paragraph_key, strip_pinyin_annotations, strip_tags,
)

# A paragraph as the converter in seed-000 left it: traditional characters, each
# "difficult" one followed by its romanisation.
SEED_LINE = "政治堅(jiān)定,牢記使命樹牢“四個(gè)意識”,堅(jiān)定“四個(gè)自信”,堅(jiān)決做到“兩個(gè)維護(hù)”"
SEED_CLEAN = "政治堅定,牢記使命樹牢“四個意識”,堅定“四個自信”,堅決做到“兩個維護”"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("黨務(wù)工作", "黨務工作"),
        ("召開會(huì)議", "召開會議"),
        ("各級(jí)黨組織", "各級黨組織"),
        ("綠(lǜ)色發展", "綠色發展"),  # ü with a tone mark
        ("婦女(nǚ)權益", "婦女權益"),
        ("重(chóng)慶市", "重慶市"),  # six letters
        ("創(chuàng)衛(wèi)辦", "創衛辦"),
        ("服務（wù）群眾", "服務群眾"),  # full-width parentheses
        (SEED_LINE, SEED_CLEAN),
    ],
)
def test_pinyin_annotations_are_removed(text, expected):
    assert strip_pinyin_annotations(text) == expected


def test_annotation_inside_real_parentheses():
    """The annotation goes, the parentheses of the text stay."""
    assert strip_pinyin_annotations("各村(社區(qū))黨支部") == "各村(社區)黨支部"


@pytest.mark.parametrize(
    "text",
    [
        "北京(Beijing)",
        "（一）加強組織領導",
        "(2020)",
        "國務院令(第588號)",
        "咖啡(café)",  # a tone-like accent, but not pinyin
        "條件(a)款",
        "他們(men)",  # a lone toneless syllable could be anything
        "附件(pdf)",
        "(社區)",
    ],
)
def test_real_parentheses_survive(text):
    assert strip_pinyin_annotations(text) == text


def test_toneless_syllables_go_only_when_the_text_has_several_toned_ones():
    """"們(men)" alone proves nothing; next to three toned annotations it is the converter's."""
    converted = "服務(wù)群眾，召開會(huì)議，各級(jí)黨組織和他們(men)一起"
    assert strip_pinyin_annotations(converted) == "服務群眾，召開會議，各級黨組織和他們一起"
    two_toned = "服務(wù)群眾，召開會(huì)議，和他們(men)一起"
    assert strip_pinyin_annotations(two_toned) == "服務群眾，召開會議，和他們(men)一起"


def test_annotation_needs_a_han_character_before_it():
    assert strip_pinyin_annotations("Model (wù) 3") == "Model (wù) 3"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("  通渭县\u3000\u3000召开 会议  ", "通渭县 召开 会议"),
        ("\u3000\u30001月30日，县委召开常委会议。", "1月30日，县委召开常委会议。"),  # paragraph indent
        ("a\u00a0\u00a0b", "a b"),  # &nbsp;
        ("全\u200b县\u200d干\ufeff部", "全县干部"),  # zero-width characters and BOM
        ("soft\u00adhyphen", "softhyphen"),
        ("x\x00y\x0cz", "xyz"),  # NUL, form feed
        ("第一行\t第二段\n第三段", "第一行 第二段 第三段"),
        ("\u2003em\u2009thin\u202fspace", "em thin space"),
        ("", ""),
        (" \u3000\u00a0 ", ""),
    ],
)
def test_clean_line(line, expected):
    assert clean_line(line) == expected


def test_clean_line_keeps_full_width_punctuation_and_digits():
    line = "１月３０日，县委召开会议：“要坚决打赢疫情防控阻击战！”"
    assert clean_line(line) == line


def test_paragraph_key_ignores_punctuation_width_and_case():
    assert paragraph_key("1月30日，通渭县召开会议。") == paragraph_key("１月３０日 通渭县召开会议")
    assert paragraph_key("Storm Batters Coast!") == paragraph_key("storm batters coast")


ARTICLE = [
    "1月30日，通渭县召开新型冠状病毒感染的肺炎疫情防控工作会议，安排部署全县疫情防控工作。",
    "会议强调，各乡镇、各部门要切实提高政治站位，坚决遏制疫情扩散蔓延势头。",
]


def test_dedupe_drops_the_mobile_copy_of_the_article():
    lines = ARTICLE + ["1月30日 通渭县召开新型冠状病毒感染的肺炎疫情防控工作会议 安排部署全县疫情防控工作", ARTICLE[1]]
    assert dedupe_paragraphs(lines) == ARTICLE


def test_dedupe_keeps_short_repeated_lines():
    """Table cells and list items ("是", dates, small numbers) legitimately repeat."""
    lines = ["是否按时完成", "是", "否", "是", "2020年1月31日", "2020年1月31日", "合计 12"]
    assert dedupe_paragraphs(lines) == lines


def test_dedupe_keeps_first_occurrence_order():
    lines = [ARTICLE[0], "附件：", ARTICLE[1], ARTICLE[0], "附件："]
    assert dedupe_paragraphs(lines) == [ARTICLE[0], "附件：", ARTICLE[1], "附件："]


def test_dedupe_keeps_lines_a_page_really_repeats():
    """Spec tables and code repeat values and lines; only runs of copied paragraphs go."""
    spec = ["Weight", "1.2 kg", "Colour", "Black", "Battery", "1.2 kg", "Colour", "Black"]
    code = ["for row in rows:", "    total += row.amount", "print(total)", "for row in rows:", "    total += row.amount"]
    assert dedupe_paragraphs(spec) == spec
    assert dedupe_paragraphs(code) == code


def test_dedupe_drops_a_repeated_run_of_english_paragraphs():
    para = ["The council approved the budget on Tuesday after a long debate.",
            "Schools get most of the new money, the mayor said."]
    assert dedupe_paragraphs(para + ["Share this story"] + para) == para + ["Share this story"]


def test_normalize_lines_end_to_end():
    lines = ["  服務(wù)群眾 ", "", "\u3000", "召開會(huì)議，各級(jí)黨組織", "他們(men)", "是", "是",
             ARTICLE[0], "\u3000\u3000" + ARTICLE[0]]
    assert normalize_lines(lines) == ["服務群眾", "召開會議，各級黨組織", "他們", "是", "是", ARTICLE[0]]


def test_normalize_lines_counts_toned_annotations_across_lines():
    """The converter's fingerprints in one paragraph prove it was at work in the next."""
    assert normalize_lines(["務(wù)", "會(huì)", "級(jí)", "他們(men)"]) == ["務", "會", "級", "他們"]


@pytest.mark.parametrize("lines", [[], [""], [" ", "\u3000", "\u200b"]])
def test_normalize_lines_of_nothing(lines):
    assert normalize_lines(lines) == []


@pytest.mark.parametrize(
    ("raw", "title"),
    [
        ("关于2020 年 1 月 31 日起恢复办公的通知", "关于2020年1月31日起恢复办公的通知"),
        ("２０２０ 年 ２ 月工作要点", "２０２０年２月工作要点"),
        ("<b>通渭县召开疫情防控工作会议</b>", "通渭县召开疫情防控工作会议"),
        ('<font color="red">重要</font>通知', "重要通知"),
        ("30 Years of <br> Tags", "30 Years of <br> Tags"),  # names a tag: no markup to strip
        ("Models¶", "Models"),
        ("简介[编辑]", "简介"),
        ("  Council approves\n new budget ", "Council approves new budget"),
        ("", ""),
    ],
)
def test_clean_title(raw, title):
    assert clean_title(raw) == (title or raw)


def test_strip_tags_only_strips_real_markup():
    assert strip_tags("a < b and c > d") == "a < b and c > d"
    assert strip_tags("<span class='x'>标题</span>") == "标题"
