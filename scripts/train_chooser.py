#!/usr/bin/env python3
"""Train the candidate chooser (scraper/extract/chooser.json.gz) on development sets with truth.

    python scripts/train_chooser.py collect ../shared/data/{zh-dev,zh2-dev,wcxb-dev}.jsonl.gz
    python scripts/train_chooser.py train            # cross-validated report, then the model file

`collect` reads every candidate of every page (scraper.extract.readings) and scores
each against the page's truth with the benchmark's own scorer (--scorer), caching
features and scores in --cache. `train` fits gradient-boosted regression trees that
predict a reading's F1 from its features, reports what choosing by them gives in
grouped K-fold cross-validation (a page is never scored by a model that saw it; pages
present in two sets count once), then fits on every page and writes the trees as
JSON. Only cross-validated figures are printed. Needs scikit-learn (`pip install -e
'.[train]'`); the scraper itself reads the JSON with no such dependency.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import importlib.util
import json
import statistics
import sys
from collections import defaultdict
from multiprocessing import Pool
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "scraper" / "extract" / "chooser.json.gz"


def _scorer(path: str):
    spec = importlib.util.spec_from_file_location("score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _records(path: str):
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)


_SCORE = None


def _init(scorer_path: str) -> None:
    global _SCORE
    _SCORE = _scorer(scorer_path)


def _f1(pred: str, record: dict) -> float:
    truth = record["text"]
    for s in record.get("ambiguous") or []:
        pred, truth = _SCORE.norm(pred).replace(_SCORE.norm(s), " "), _SCORE.norm(truth).replace(_SCORE.norm(s), " ")
    return _SCORE.prf(pred, truth)[2]


def _collect_one(item: tuple[str, dict]) -> dict | None:
    from scraper.decode import decode
    from scraper.extract import readings

    set_name, record = item
    raw = base64.b64decode(record["raw_b64"]) if record.get("raw_b64") else record["html"].encode("utf-8")
    try:
        choice = readings(decode(raw).text, record.get("url"))
    except Exception as exc:  # an unreadable page has no readings to learn from
        return {"set": set_name, "id": record["id"], "error": f"{type(exc).__name__}: {exc}"}
    return {
        "set": set_name, "id": record["id"], "type": record.get("page_type"),
        "names": [ex.candidate for ex in choice.readings],
        "vectors": choice.vectors,
        "f1": [_f1(ex.document.text, record) for ex in choice.readings],
    }


def collect(args) -> None:
    items = [(Path(p).name.split(".")[0], r) for p in args.data for r in _records(p)]
    with Pool(args.jobs, initializer=_init, initargs=(args.scorer,)) as pool:
        rows = [row for row in pool.imap(_collect_one, items, chunksize=4) if row]
    with gzip.open(args.cache, "wt", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row) + "\n")
    print(f"{len(rows)} pages, {sum('error' in r for r in rows)} errors -> {args.cache}")


def _load(cache: str) -> list[dict]:
    with gzip.open(cache, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def _fit(rows: list[dict], args):
    from sklearn.ensemble import GradientBoostingRegressor

    x = [v for r in rows for v in r["vectors"]]
    y = [f for r in rows for f in r["f1"]]
    # The Chinese sets are small beside wcxb-dev; weighting keeps them from being drowned out.
    w = [args.zh_weight if r["set"].startswith("zh") else 1.0 for r in rows for _ in r["f1"]]
    model = GradientBoostingRegressor(
        n_estimators=args.trees, max_depth=args.depth, learning_rate=args.rate, subsample=0.8,
        min_samples_leaf=args.min_leaf, random_state=0,
    )
    return model.fit(x, y, sample_weight=w)


def _pick(model, row: dict) -> int:
    """What scraper.extract.choose would pick with this model."""
    from scraper.extract.choose import pick
    from scraper.extract.features import FEATURES

    cjk = row["vectors"][0][FEATURES.index("cjk")] == 1.0
    return pick(row["names"], row["vectors"], list(model.predict(row["vectors"])), cjk, row.get("kind", ("", 0.0)))


def _report(rows: list[dict], picks: dict[str, int]) -> list[str]:
    """Mean F1 per set and page type: chosen (cross-validated), each fixed candidate, oracle."""
    out = []
    names = sorted({n for r in rows for n in r["names"]})
    for set_name in sorted({r["set"] for r in rows}):
        sel = [r for r in rows if r["set"] == set_name]
        groups = defaultdict(list)
        for r in sel:
            groups["ALL"].append(r)
            if r.get("type"):
                groups[r["type"]].append(r)
        for group, members in sorted(groups.items(), key=lambda kv: (kv[0] != "ALL", kv[0])):
            chosen = statistics.mean(m["f1"][picks[m["id"]]] for m in members)
            oracle = statistics.mean(max(m["f1"]) for m in members)
            fixed = " ".join(
                f"{n} {statistics.mean(m['f1'][m['names'].index(n)] if n in m['names'] else 0.0 for m in members):.3f}"
                for n in names
            )
            out.append(f"{set_name:9} {group:14} n={len(members):4}  chosen(CV) {chosen:.3f}  oracle {oracle:.3f}  | {fixed}")
    return out


def _without(row: dict, names: list[str]) -> dict:
    """The row as if the candidates in `names` did not exist (to measure what each one adds)."""
    keep = [i for i, n in enumerate(row["names"]) if n not in names]
    return {**row, **{k: [row[k][i] for i in keep] for k in ("names", "vectors", "f1")}}


def train(args) -> None:
    from sklearn.model_selection import GroupKFold

    rows = [_without(r, args.drop) for r in _load(args.cache) if "error" not in r and r["names"]]
    rows = [r for r in rows if r["names"]]
    unique = list({r["id"]: r for r in rows}.values())  # en-dev lies inside wcxb-dev: learn each page once
    ids = sorted({r["id"] for r in unique})
    type_lines, type_model, kinds = _train_types(unique, args)
    for r in rows:
        r["kind"] = kinds.get(r["id"], ("", 0.0))
    picks: dict[str, int] = {}
    folds = GroupKFold(n_splits=args.folds)
    for train_idx, _test_idx in folds.split(ids, groups=ids):
        train_ids = {ids[i] for i in train_idx}
        model = _fit([r for r in unique if r["id"] in train_ids], args)
        for r in unique:
            if r["id"] not in train_ids:
                picks[r["id"]] = _pick(model, r)
    lines = _report(rows, picks)
    print("\n".join(lines))
    print("\n".join(type_lines))
    if args.dry_run:
        return
    model = _fit(unique, args)
    data = _export(model, lines)
    data["page_type"] = _export_types(type_model, type_lines, _type_rows(unique)[0][:200])
    MODEL.write_bytes(gzip.compress((json.dumps(data, separators=(",", ":")) + "\n").encode(), mtime=0))
    print(f"wrote {MODEL} ({MODEL.stat().st_size:,} bytes)")


def _type_rows(rows: list[dict]) -> tuple[list[list[float]], list[str], list[str]]:
    """Pages with a page_type in their truth (wcxb-dev, zh2-dev): features, labels, sets."""
    from scraper.extract.features import type_vector

    typed = [r for r in rows if r.get("type")]
    return [type_vector(r["names"], r["vectors"]) for r in typed], [r["type"] for r in typed], [r["set"] for r in typed]


def _fit_types(x, y, args):
    from sklearn.ensemble import GradientBoostingClassifier

    return GradientBoostingClassifier(n_estimators=args.type_trees, max_depth=3, learning_rate=0.1,
                                      subsample=0.8, random_state=0).fit(x, y)


def _train_types(unique: list[dict], args):
    """Page-type model: grouped CV accuracy and confusion, then a fit on every typed page."""
    from collections import Counter

    from sklearn.model_selection import GroupKFold

    from scraper.extract.features import type_vector

    x, y, sets = _type_rows(unique)
    typed_ids = [r["id"] for r in unique if r.get("type")]
    pred = [None] * len(y)
    kinds: dict[str, tuple[str, float]] = {}  # every page's cross-validated type, for the chooser's CV
    for train_idx, _test_idx in GroupKFold(n_splits=args.folds).split(unique, groups=[r["id"] for r in unique]):
        train_ids = {unique[i]["id"] for i in train_idx}
        fit = [i for i, pid in enumerate(typed_ids) if pid in train_ids]
        model = _fit_types([x[i] for i in fit], [y[i] for i in fit], args)
        held = [r for r in unique if r["id"] not in train_ids]
        probs = model.predict_proba([type_vector(r["names"], r["vectors"]) for r in held])
        for r, pr in zip(held, probs):
            kinds[r["id"]] = (str(model.classes_[pr.argmax()]), float(pr.max()))
    for i, pid in enumerate(typed_ids):
        pred[i] = kinds[pid][0]
    lines = []
    for set_name in sorted(set(sets)):
        idx = [i for i, s in enumerate(sets) if s == set_name]
        lines.append(f"page type {set_name:9} accuracy(CV) {sum(pred[i] == y[i] for i in idx) / len(idx):.3f} n={len(idx)}")
    confusion = Counter(zip(y, pred))
    classes = sorted(set(y))
    lines.append("  true \\ predicted: " + " ".join(f"{c[:5]:>6}" for c in classes))
    lines += [f"  {t:13} " + " ".join(f"{confusion[(t, p)]:6}" for p in classes) for t in classes]
    return lines, _fit_types(x, y, args), kinds


def _export_types(model, report: list[str], sample: list[list[float]]) -> dict:
    """Per class: the initial raw score and one tree per stage (checked against sklearn's own)."""
    import numpy as np

    from scraper.extract.choose import TypeModel
    from scraper.extract.features import TYPE_FEATURES

    probe = np.zeros((1, len(TYPE_FEATURES)))
    init = model._raw_predict_init(probe)[0].tolist()
    trees = [[_tree(est) for est in model.estimators_[:, k]] for k in range(len(model.classes_))]
    data = {"features": list(TYPE_FEATURES), "classes": [str(c) for c in model.classes_], "init": init,
            "rate": model.learning_rate, "trees": trees, "report": report}
    check = TypeModel.from_dict(data)
    for x, want in zip(sample, model.decision_function(sample)):
        got = [m.predict(list(x)) for m in check.per_class]
        if max(abs(a - b) for a, b in zip(got, want)) > 1e-3:
            raise SystemExit("exported page-type trees disagree with scikit-learn")
    return data


def _tree(est) -> dict:
    t = est.tree_
    return {
        "left": t.children_left.tolist(), "right": t.children_right.tolist(),
        "feature": [int(f) for f in t.feature.tolist()],
        # unrounded: features are compared in float32, and a threshold rounded to 6 digits
        # can fall on the other side of a feature value (0.954545 < 0.95454544)
        "threshold": [float(v) for v in t.threshold.tolist()],
        "value": [round(float(v), 6) for v in t.value[:, 0, 0].tolist()],
    }


def _export(model, report: list[str]) -> dict:
    from scraper.extract.features import FEATURES

    trees = [_tree(est) for est in model.estimators_[:, 0]]
    init = float(model.init_.constant_[0][0]) if hasattr(model.init_, "constant_") else float(model._raw_predict_init([[0.0] * len(FEATURES)])[0][0])
    return {"features": list(FEATURES), "init": init, "rate": model.learning_rate, "trees": trees,
            "report": report}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    c = sub.add_parser("collect", help="read every candidate of every page and score it")
    c.add_argument("data", nargs="+", help="development sets (JSONL.gz with truth)")
    c.add_argument("--scorer", default=str(ROOT.parent / "shared" / "eval" / "score.py"))
    c.add_argument("--jobs", type=int, default=2)
    t = sub.add_parser("train", help="cross-validate, then write the model")
    t.add_argument("--folds", type=int, default=5)
    t.add_argument("--trees", type=int, default=400)
    t.add_argument("--depth", type=int, default=4)
    t.add_argument("--rate", type=float, default=0.05)
    t.add_argument("--min-leaf", type=int, default=10)
    t.add_argument("--zh-weight", type=float, default=5.0, help="weight of a page of the Chinese sets")
    t.add_argument("--type-trees", type=int, default=50)
    t.add_argument("--dry-run", action="store_true", help="report only; leave the model file as it is")
    t.add_argument("--drop", nargs="*", default=[], help="leave these candidates out (to measure what they add)")
    for p in (c, t):
        p.add_argument("--cache", default="/tmp/chooser-rows.jsonl.gz")
    args = ap.parse_args()
    if not Path(getattr(args, "scorer", __file__)).exists():
        sys.exit(f"scorer not found: {args.scorer} (give --scorer PATH)")
    {"collect": collect, "train": train}[args.command](args)


if __name__ == "__main__":
    main()
