"""Choosing a reading (scraper/extract/choose.py) and describing readings (features.py)."""

from __future__ import annotations

from collections import Counter

import pytest

import scraper
from scraper.extract import readings
from scraper.extract.choose import TreeModel, TypeModel, fallback, load_model, load_type_model, pick
from scraper.extract.features import FEATURES, PAGE_TYPES, TYPE_FEATURES, _agreement

PARAS = [
    "The council approved the new budget for the county's schools on Tuesday evening after a long debate.",
    "Most of the new money goes to repairs of the older buildings, which have waited for more than a decade.",
    "Parents who spoke at the meeting asked for more teachers, and the board promised a review next spring.",
]


def _tree(feature: int, threshold: float, low: float, high: float) -> dict:
    """A stump: x[feature] <= threshold gives `low`, else `high`."""
    return {"left": [1, -1, -1], "right": [2, -1, -1], "feature": [feature, -2, -2],
            "threshold": [threshold, -2.0, -2.0], "value": [0.0, low, high]}


def test_tree_model_walks_its_trees():
    model = TreeModel.from_dict({"features": ["a", "b"], "init": 0.5, "rate": 0.1,
                                 "trees": [_tree(0, 1.0, -1.0, 1.0), _tree(1, 0.0, 2.0, -2.0)]})
    assert model.predict([0.0, -1.0]) == pytest.approx(0.5 + 0.1 * (-1.0 + 2.0))
    assert model.predict([2.0, 1.0]) == pytest.approx(0.5 + 0.1 * (1.0 - 2.0))


def test_type_model_gives_the_likeliest_class_and_its_probability():
    data = {"features": ["a"], "classes": ["article", "forum"], "rate": 1.0, "init": [0.0, 0.0],
            "trees": [[_tree(0, 0.5, 2.0, -2.0)], [_tree(0, 0.5, -2.0, 2.0)]]}
    model = TypeModel.from_dict(data)
    kind, p = model.predict([0.0])
    assert kind == "article" and p > 0.9
    assert model.predict([1.0])[0] == "forum"


def _vec(**values: float) -> list[float]:
    return [values.get(name, 0.0) for name in FEATURES]


def test_chinese_pages_are_read_by_the_article_readings_only():
    names = ["run", "whole", "trafilatura"]
    vectors = [_vec(), _vec(), _vec(agree_run=0.2)]
    assert pick(names, vectors, [0.5, 0.9, 0.6], cjk=True) == 2
    assert pick(names, vectors, [0.5, 0.9, 0.6], cjk=False) == 1


def test_on_a_chinese_page_our_run_wins_over_a_trafilatura_reading_that_agrees_with_it():
    names = ["run", "trafilatura"]
    assert pick(names, [_vec(), _vec(agree_run=0.95)], [0.80, 0.81], cjk=True) == 0
    assert pick(names, [_vec(), _vec(agree_run=0.30)], [0.80, 0.81], cjk=True) == 1


def test_a_page_the_type_model_is_sure_is_an_article_gets_an_article_reading():
    names = ["run", "whole"]
    assert pick(names, [_vec(), _vec()], [0.7, 0.8], cjk=False, kind=("article", 0.9)) == 0
    assert pick(names, [_vec(), _vec()], [0.7, 0.8], cjk=False, kind=("service", 0.9)) == 1
    assert pick(names, [_vec(), _vec()], [0.7, 0.8], cjk=False, kind=("article", 0.3)) == 1


def test_without_a_model_trafilatura_reads_alphabetic_pages_and_our_run_chinese_ones():
    assert fallback(["run", "whole", "trafilatura"], cjk=False) == 2
    assert fallback(["run", "whole", "trafilatura"], cjk=True) == 0


def test_the_shipped_models_load_and_match_the_features():
    """A model trained on other features is refused (load_* returns None): this one fits."""
    assert load_model() is not None and load_model().features == FEATURES
    model = load_type_model()
    assert model is not None and model.features == TYPE_FEATURES and set(model.classes) <= set(PAGE_TYPES)


def test_the_model_file_reports_cross_validated_figures():
    from scraper.extract.choose import _load

    data = _load()
    assert any("chosen(CV)" in line for line in data["report"])
    assert any("accuracy(CV)" in line for line in data["page_type"]["report"])


def test_agreement_is_shared_text_weighed_by_length():
    a = Counter(["a long first paragraph", "second"])
    assert _agreement(a, a) == 1.0
    assert _agreement(a, Counter(["unrelated"])) == 0.0
    half = _agreement(a, Counter(["a long first paragraph"]))
    assert _agreement(Counter(["a long first paragraph"]), a) == half and 0.5 < half < 1.0


def test_every_reading_is_described_by_the_same_features():
    html = ("<html><head><title>Budget approved</title></head><body><nav><a href='/'>Home</a> <a href='/n'>News</a></nav>"
            "<article><h1>Budget approved</h1>" + "".join(f"<p>{p}</p>" for p in PARAS) + "</article>"
            "<aside class='sidebar'><ul><li><a href='/1'>Other story one</a></li></ul></aside></body></html>")
    choice = readings(html, "http://example.com/budget")
    assert {r.candidate for r in choice.readings} >= {"run", "whole"}
    assert all(len(v) == len(FEATURES) for v in choice.vectors)
    chosen = choice.readings[choice.chosen].document
    assert chosen.text.split("\n") == PARAS
    assert chosen.page_type in PAGE_TYPES


def test_clean_reports_a_page_type():
    html = "<html><body><article>" + "".join(f"<p>{p}</p>" for p in PARAS) + "</article></body></html>"
    assert scraper.clean(html, "http://example.com/a").page_type in PAGE_TYPES


def test_a_near_tie_goes_to_the_article_reading():
    names = ["run", "whole"]
    assert pick(names, [_vec(), _vec()], [0.900, 0.905], cjk=False) == 0
    assert pick(names, [_vec(), _vec()], [0.80, 0.90], cjk=False) == 1


def _shop(extra: str) -> dict[str, float]:
    from scraper.extract.features import FEATURES as F

    html = ("<html><head><title>Classic percale sheet set</title></head><body><main><h1>Classic percale sheet set</h1>"
            "<p>Crisp, cool and matte: woven from long-staple cotton for sleepers who run hot.</p>"
            f"{extra}</main></body></html>")
    vec = readings(html, "https://shop.example.com/products/percale").vectors[0]
    return dict(zip(F, vec))


def test_a_buy_button_and_price_lines_are_what_a_shop_page_shows():
    shop = _shop('<div class="price"><span>Regular price</span> <span>$129.00</span></div>'
                 '<button type="submit" name="add">Add to cart</button>')
    assert shop["cart_lines"] == 1 and shop["log_price_lines"] > 0
    prose = _shop("<p>Shoppers who add to cart on a phone finish the purchase less often, the study found.</p>"
                  "<p>Prices rose in 1999 and again in 2004.</p>")
    assert prose["cart_lines"] == 0 and prose["log_price_lines"] == 0
