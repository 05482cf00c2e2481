"""Choose one candidate reading per page: the one a small learned model expects to score best.

The model (chooser.json, written by scripts/train_chooser.py from the development
sets, with cross-validated figures in its "report") is an ensemble of regression
trees predicting, from the features in features.py, how close a reading is to what a
person would call the page's main content. Walking a few hundred small trees in plain
Python costs well under a millisecond, so no machine-learning library is needed at
run time. Without the model file, a fixed rule stands in.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources

from .features import FEATURES

MODEL_FILE = "chooser.json"


@dataclass(frozen=True)
class TreeModel:
    """Gradient-boosted regression trees: init + rate * sum of leaf values."""

    features: tuple[str, ...]
    init: float
    rate: float
    trees: tuple[tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...], tuple[float, ...], tuple[float, ...]], ...]

    def predict(self, x: list[float]) -> float:
        total = 0.0
        for left, right, feature, threshold, value in self.trees:
            node = 0
            while left[node] >= 0:
                node = left[node] if x[feature[node]] <= threshold[node] else right[node]
            total += value[node]
        return self.init + self.rate * total

    @classmethod
    def from_dict(cls, data: dict) -> "TreeModel":
        trees = tuple(
            (tuple(t["left"]), tuple(t["right"]), tuple(t["feature"]), tuple(t["threshold"]), tuple(t["value"]))
            for t in data["trees"]
        )
        return cls(tuple(data["features"]), float(data["init"]), float(data["rate"]), trees)


@functools.lru_cache(maxsize=1)
def load_model() -> TreeModel | None:
    """The shipped model, or None if it is missing or was trained on other features."""
    try:
        data = json.loads(resources.files(__package__).joinpath(MODEL_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    model = TreeModel.from_dict(data)
    return model if model.features == FEATURES else None


def fallback(names: list[str], cjk: bool) -> int:
    """Without a model: trafilatura on alphabetic pages, our block run elsewhere."""
    if not cjk and "trafilatura" in names:
        return names.index("trafilatura")
    return names.index("run") if "run" in names else 0


def choose(names: list[str], vectors: list[list[float]], cjk: bool) -> int:
    """Index of the reading to keep."""
    if len(names) == 1:
        return 0
    model = load_model()
    if model is None:
        return fallback(names, cjk)
    scores = [model.predict(v) for v in vectors]
    return max(range(len(names)), key=scores.__getitem__)
