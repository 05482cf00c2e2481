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
# Chinese annotators (and readers) take a page's article, or a thread's first post, as its
# main text: whole-page and record readings, right on English service and listing pages,
# were never the body of a Chinese development page. Only these compete there.
CJK_CANDIDATES = frozenset(("run", "article", "trafilatura"))


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


_AGREE_RUN = FEATURES.index("agree_run")
_CLOSE = 0.8  # shared words between two readings that differ only at the edges


def pick(names: list[str], vectors: list[list[float]], scores: list[float], cjk: bool) -> int:
    """The reading with the best predicted score, within what the page's script allows.

    On a Chinese page, trafilatura's reading replaces our block run only when the two
    really differ: when they agree, ours keeps what Chinese pages need (the 落款, the
    metadata lines taken out) and theirs does not know.
    """
    allowed = [i for i, n in enumerate(names) if not cjk or n in CJK_CANDIDATES] or list(range(len(names)))
    best = max(allowed, key=scores.__getitem__)
    if cjk and names[best] == "trafilatura" and "run" in names and vectors[best][_AGREE_RUN] >= _CLOSE:
        return names.index("run")
    return best


def choose(names: list[str], vectors: list[list[float]], cjk: bool) -> int:
    """Index of the reading to keep."""
    if len(names) == 1:
        return 0
    model = load_model()
    if model is None:
        return fallback(names, cjk)
    return pick(names, vectors, [model.predict(v) for v in vectors], cjk)
