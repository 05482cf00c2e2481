"""Choose one candidate reading per page: the one a small learned model expects to score best.

The model (chooser.json.gz, written by scripts/train_chooser.py from the development
sets, with cross-validated figures in its "report") is an ensemble of regression
trees predicting, from the features in features.py, how close a reading is to what a
person would call the page's main content. The trees are walked with numpy (already a
dependency), so no machine-learning library is needed at run time. Without the model file, a fixed rule stands in.
"""

from __future__ import annotations

import functools
import gzip
import json
import math
from dataclasses import dataclass, field
from importlib import resources

from .features import FEATURES, TYPE_FEATURES, type_vector

MODEL_FILE = "chooser.json.gz"
# Chinese annotators (and readers) take a page's article, or a thread's first post, as its
# main text: whole-page and record readings, right on English service and listing pages,
# were never the body of a Chinese development page. Only these compete there, and on
# pages the page-type model is sure are articles.
ARTICLE_CANDIDATES = frozenset(("run", "article", "trafilatura", "thread"))
_SURE = 0.5
_TIE = 0.01  # predicted scores this close are a tie (cross-validation: no loss)


class TreeModel:
    """Gradient-boosted regression trees: init + rate * sum of leaf values.

    The trees are held as padded numpy arrays (one row per tree) and walked level by
    level for all trees and all readings at once: a few hundred trees cost tens of
    microseconds, where a Python walk would cost milliseconds.
    """

    def __init__(self, features: tuple[str, ...], init: float, rate: float, trees: list[dict]):
        import numpy as np

        self.features, self.init, self.rate = features, init, rate
        width = max(len(t["left"]) for t in trees)

        def grid(key: str, fill, dtype):
            out = np.full((len(trees), width), fill, dtype=dtype)
            for i, t in enumerate(trees):
                out[i, : len(t[key])] = t[key]
            return out

        self._left, self._right = grid("left", -1, np.int32), grid("right", -1, np.int32)
        self._feature = np.maximum(grid("feature", 0, np.int32), 0)
        self._threshold, self._value = grid("threshold", 0.0, np.float64), grid("value", 0.0, np.float64)
        self._depth = max(_depth(t["left"], t["right"]) for t in trees)
        self._rows = np.arange(len(trees))

    @classmethod
    def stack(cls, models: "tuple[TreeModel, ...]") -> "TreeModel":
        """Several ensembles' trees as one (init 0, rate 1): walked together, their leaves sliced apart."""
        import numpy as np

        width = max(m._left.shape[1] for m in models)
        out = cls.__new__(cls)
        out.features, out.init, out.rate = models[0].features, 0.0, 1.0
        for name, fill in (("_left", -1), ("_right", -1), ("_feature", 0), ("_threshold", 0.0), ("_value", 0.0)):
            parts = [np.pad(getattr(m, name), ((0, 0), (0, width - getattr(m, name).shape[1])), constant_values=fill)
                     for m in models]
            setattr(out, name, np.concatenate(parts))
        out._depth = max(m._depth for m in models)
        out._rows = np.arange(out._left.shape[0])
        return out

    def predict_many(self, xs: list[list[float]]) -> list[float]:
        return (self.init + self.rate * self.leaves(xs).sum(axis=1)).tolist()

    def leaves(self, xs: list[list[float]]):
        """Readings x trees: the value of the leaf each reading reaches in each tree."""
        import numpy as np

        x = np.asarray(xs, dtype=np.float32)  # readings x features, in float32 as scikit-learn's trees compare them
        node = np.zeros((len(xs), len(self._rows)), dtype=np.int32)  # readings x trees
        for _ in range(self._depth):
            left, right = self._left[self._rows, node], self._right[self._rows, node]
            value = np.take_along_axis(x, self._feature[self._rows, node], axis=1)
            step = np.where(value <= self._threshold[self._rows, node], left, right)
            node = np.where(left >= 0, step, node)
        return self._value[self._rows, node]

    def predict(self, x: list[float]) -> float:
        return self.predict_many([x])[0]

    @classmethod
    def from_dict(cls, data: dict) -> "TreeModel":
        return cls(tuple(data["features"]), float(data["init"]), float(data["rate"]), data["trees"])


def _depth(left: list[int], right: list[int]) -> int:
    """Levels of a tree below its root (sklearn's arrays: -1 marks a leaf)."""
    depth, level = 0, [0]
    while True:
        level = [c for n in level for c in (left[n], right[n]) if c >= 0]
        if not level:
            return depth
        depth += 1


@dataclass(frozen=True)
class TypeModel:
    """One tree ensemble per page type (multinomial boosting): the type with the highest score.

    The classes' trees are also walked together, as one ensemble (one numpy walk, not seven).
    """

    features: tuple[str, ...]
    classes: tuple[str, ...]
    per_class: tuple[TreeModel, ...]
    _stacked: TreeModel = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_stacked", TreeModel.stack(self.per_class))

    def predict(self, x: list[float]) -> tuple[str, float]:
        """The likeliest type and its probability."""
        leaves = self._stacked.leaves([x])[0]
        scores, start = [], 0
        for m in self.per_class:  # each class's score from its own slice of the stacked trees
            end = start + len(m._rows)
            scores.append(m.init + m.rate * float(leaves[start:end].sum()))
            start = end
        top = max(scores)
        weights = [math.exp(v - top) for v in scores]
        best = max(range(len(scores)), key=scores.__getitem__)
        return self.classes[best], weights[best] / sum(weights)

    @classmethod
    def from_dict(cls, data: dict) -> "TypeModel":
        per_class = tuple(
            TreeModel.from_dict({"features": data["features"], "init": init, "rate": data["rate"], "trees": trees})
            for init, trees in zip(data["init"], data["trees"])
        )
        return cls(tuple(data["features"]), tuple(data["classes"]), per_class)


def _load() -> dict | None:
    try:
        return json.loads(gzip.decompress(resources.files(__package__).joinpath(MODEL_FILE).read_bytes()))
    except FileNotFoundError:
        return None


@functools.lru_cache(maxsize=1)
def load_model() -> TreeModel | None:
    """The shipped chooser, or None if it is missing or was trained on other features."""
    data = _load()
    model = TreeModel.from_dict(data) if data else None
    return model if model is not None and model.features == FEATURES else None


@functools.lru_cache(maxsize=1)
def load_type_model() -> TypeModel | None:
    """The shipped page-type model, or None if it is missing or was trained on other features."""
    data = (_load() or {}).get("page_type")
    model = TypeModel.from_dict(data) if data else None
    return model if model is not None and model.features == TYPE_FEATURES else None


def page_type(names: list[str], vectors: list[list[float]]) -> tuple[str, float]:
    """article, forum, listing, collection, product, documentation or service, and how sure."""
    model = load_type_model()
    return model.predict(type_vector(names, vectors)) if model is not None else ("article", 0.0)


def fallback(names: list[str], cjk: bool) -> int:
    """Without a model: trafilatura on alphabetic pages, our block run elsewhere."""
    if not cjk and "trafilatura" in names:
        return names.index("trafilatura")
    return names.index("run") if "run" in names else 0


_AGREE_RUN = FEATURES.index("agree_run")
_CLOSE = 0.8  # shared words between two readings that differ only at the edges


def pick(names: list[str], vectors: list[list[float]], scores: list[float], cjk: bool,
         kind: tuple[str, float] = ("", 0.0)) -> int:
    """The reading with the best predicted score, within what the page allows.

    Chinese pages and pages that are articles (by the page-type model, when it is
    sure) are read by the article readings only. On a Chinese page, trafilatura's
    reading replaces our block run only when the two really differ: when they agree,
    ours keeps what Chinese pages need (the 落款, the metadata lines taken out).
    """
    narrow = cjk or (kind[0] == "article" and kind[1] >= _SURE)
    allowed = [i for i, n in enumerate(names) if not narrow or n in ARTICLE_CANDIDATES] or list(range(len(names)))
    best = max(allowed, key=scores.__getitem__)
    if names[best] not in ARTICLE_CANDIDATES:  # a near tie goes to the tighter, article reading
        close = [i for i in allowed if names[i] in ARTICLE_CANDIDATES and scores[i] >= scores[best] - _TIE]
        best = max(close, key=scores.__getitem__, default=best)
    if cjk and names[best] == "trafilatura" and "run" in names and vectors[best][_AGREE_RUN] >= _CLOSE:
        return names.index("run")
    return best


def choose(names: list[str], vectors: list[list[float]], cjk: bool, kind: tuple[str, float] | None = None) -> int:
    """Index of the reading to keep (`kind`: the page type, if the caller has it already)."""
    if len(names) == 1:
        return 0
    model = load_model()
    if model is None:
        return fallback(names, cjk)
    return pick(names, vectors, model.predict_many(vectors), cjk, kind or page_type(names, vectors))
