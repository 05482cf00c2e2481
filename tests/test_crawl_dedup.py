"""scraper.crawl.dedup: near duplicates found, same-template articles kept apart."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from scraper.crawl.dedup import (
    BANDS,
    NEAR_JACCARD,
    NearDupIndex,
    ShingleCache,
    best_match,
    estimate,
    estimates,
    is_near_duplicate,
    lsh_keys,
    packed_shingles,
    shingles,
    signature,
    similarity,
)

ROOT = Path(__file__).resolve().parents[1]
TEXTS = [json.loads(p.read_text(encoding="utf-8"))["text"] for p in sorted((ROOT / "fixtures" / "pages").glob("*.json"))]

TEMPLATE = "{title}\n来源：某某县人民政府办公室  发布时间：{date}  责任编辑：张三\n{body}\n某某县人民政府办公室\n{date}"
ARTICLE_A = TEMPLATE.format(
    title="关于做好2020年春节期间疫情防控工作的通知", date="2020年1月31日",
    body="各乡镇人民政府，县直各部门：为切实做好春节期间新型冠状病毒感染的肺炎疫情防控工作，"
         "保障人民群众生命安全和身体健康，经县政府同意，现将有关事项通知如下。一、提高思想认识，"
         "各级各部门要把疫情防控作为当前最重要的工作来抓。二、严格落实排查制度，对重点人员逐一登记。"
         "三、加强宣传引导，及时发布权威信息，回应社会关切。")
ARTICLE_B = TEMPLATE.format(
    title="关于开展2020年度安全生产大检查的通知", date="2020年3月5日",
    body="各乡镇人民政府，县直各部门：为深刻吸取近期事故教训，有效防范化解重大安全风险，"
         "经县政府研究，决定在全县范围内开展安全生产大检查。一、检查范围，涵盖矿山、危险化学品、"
         "建筑施工、道路交通等重点行业领域。二、时间安排，自3月10日起至4月30日止。三、工作要求，"
         "各单位要落实主体责任，确保检查不走过场。")


def _edit(text: str, n: int, seed: int = 1) -> str:
    rnd = random.Random(seed)
    chars = list(text)
    for _ in range(n):
        chars[rnd.randrange(len(chars))] = rnd.choice("的了是在我有和")
    return "".join(chars)


def test_lightly_edited_copy_is_a_near_duplicate():
    copy = ARTICLE_A.replace("最重要的工作", "最要紧的工作").replace("2020年1月31日", "2020-01-31") + "\n（本文转自县政府网）"
    assert is_near_duplicate(ARTICLE_A, copy)
    index = NearDupIndex()
    index.add("a", ARTICLE_A)
    index.add("b", ARTICLE_B)
    assert index.find(copy) == "a"
    assert index.find(" ".join(ARTICLE_A.split())) == "a"  # re-wrapped / whitespace changes


def test_different_articles_from_the_same_template_are_not_duplicates():
    assert similarity(ARTICLE_A, ARTICLE_B) < 0.3
    assert not is_near_duplicate(ARTICLE_A, ARTICLE_B)
    index = NearDupIndex()
    index.add("a", ARTICLE_A)
    assert index.find(ARTICLE_B) is None


def test_fixture_articles_and_their_edited_copies():
    index = NearDupIndex()
    for i, text in enumerate(TEXTS):
        index.add(i, text)
    for i, text in enumerate(TEXTS):
        assert index.find(_edit(text, 8, seed=i)) == i
        assert index.find(text + "\n来源：新华社  责任编辑：张三") == i
    for i, a in enumerate(TEXTS):
        for b in TEXTS[i + 1:]:
            assert similarity(a, b) < NEAR_JACCARD / 2


def test_keys_shape_and_short_texts():
    keys = lsh_keys(ARTICLE_A)
    assert len(keys) == BANDS and all(-(2**63) <= k < 2**63 for k in keys)
    assert len(set(keys)) == BANDS
    assert lsh_keys("太短了") == () and lsh_keys("") == ()
    assert shingles("A b，C d!") == frozenset({"abcd"})


def test_keys_are_stable_across_processes():
    code = ("import sys, json; from scraper.crawl.dedup import lsh_keys; "
            "print(json.dumps(lsh_keys(sys.stdin.read())))")
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], input=ARTICLE_A, capture_output=True, text=True,
                         env=env, check=True).stdout
    assert tuple(json.loads(out)) == lsh_keys(ARTICLE_A)


def test_best_match_picks_the_closest():
    near = ARTICLE_A + "\n附件：排查登记表"
    assert best_match(ARTICLE_A, [("b", ARTICLE_B), ("near", near), ("same", ARTICLE_A)]) == "same"
    assert best_match(ARTICLE_A, [("b", ARTICLE_B)]) is None


@pytest.mark.parametrize("a,b,expected", [("", "", 1.0), ("abcdef", "", 0.0)])
def test_similarity_edges(a, b, expected):
    assert similarity(a, b) == expected


def test_packed_shingles_give_the_exact_jaccard():
    """The packed form (what workers send the crawl loop) scores pairs as the shingle sets do."""
    cache = ShingleCache()
    for i, text in enumerate(TEXTS):
        other = _edit(text, 30, seed=i) if i % 2 else TEXTS[i - 1]
        packed = packed_shingles(text)
        assert packed is not None and len(packed) == len(shingles(text))
        exact = similarity(text, other)
        assert best_match(packed, [("x", other)], threshold=exact, cache=cache) == "x"
        assert best_match(text, [("x", other)], threshold=exact + 1e-9, cache=cache) is None


def test_best_match_with_a_text_outside_the_bmp():
    """A candidate with a character beyond U+FFFF cannot be packed: the shingle sets decide."""
    wide = ARTICLE_A.replace("通知", "通知\U00020BB7", 1)  # 𠮷, a letter beyond the BMP
    assert packed_shingles(wide) is None
    assert best_match(packed_shingles(ARTICLE_A), [("b", ARTICLE_B), ("w", wide)]) == "w"
    assert best_match(wide, [("b", ARTICLE_B), ("a", ARTICLE_A)], cache=ShingleCache()) == "a"


def test_shingle_cache_is_bounded():
    cache = ShingleCache(size=2)
    for text in (ARTICLE_A, ARTICLE_B, TEXTS[0]):
        cache.packed(text)
    assert len(cache._items) == 2 and ARTICLE_A not in cache._items


def test_estimates_are_each_estimate():
    sigs = [signature(t) for t in TEXTS] + [signature(_edit(TEXTS[0], 20))]
    sigs = [s for s in sigs if s]
    for sig in sigs[:5]:
        assert estimates(sig, sigs) == [estimate(sig, other) for other in sigs]
    assert estimates(sigs[0], [sigs[-1], b""]) == [estimate(sigs[0], sigs[-1]), 0.0]
    assert estimates(sigs[0], [sigs[-1]])[0] > 0.5  # the edited copy
