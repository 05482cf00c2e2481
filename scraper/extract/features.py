"""What the chooser knows about each candidate reading: measurements that need no truth.

Each candidate is described by the shape of its text (length, lines, sentences),
where it sits on the page (how much of the page's prose it covers, its position,
its distance from the title), how clean it is (link density, lines the noise rules
took out) and how much the other readings agree with it (shared words). The page
adds what kind of page it declares itself to be and how much chrome it carries.
Numbers only, in a fixed order (FEATURES), so a small model can read them.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from .blocks import Block
from .candidates import Candidate
from .metadata import BUY_RE
from .normalize import HAN_RE, paragraph_key
from .prune import Pruning, prose_chars
from .records import Records

CANDIDATE_NAMES = ("run", "whole", "trafilatura", "article", "thread", "records")
DECLARED_KINDS = ("article", "product", "forum", "listing", "website")

PAGE_FEATURES = (
    "cjk", "log_page_chars", "page_prose_share", "page_link_ratio", "log_blocks", "masked_share",
    "spared", "lifted", "comments_masked", *(f"declares_{k}" for k in DECLARED_KINDS),
    "records_log_n", "records_share", "records_link_ratio", "records_dated", "records_log_mean",
    "cart_lines", "log_price_lines",
)
CANDIDATE_FEATURES = (
    "log_chars", "chars_share", "prose_covered", "log_lines", "log_mean_line", "sentence_share",
    "link_ratio", "noise_share", "start_pos", "end_pos", "spread", "title_distance", "in_records", "masked_kept",
    "agree_mean", "agree_max", *(f"agree_{n}" for n in CANDIDATE_NAMES), "vs_run", "vs_trafilatura",
    "extra_share", "extra_sentences",
)
FEATURES = (*PAGE_FEATURES, *CANDIDATE_FEATURES, *(f"is_{n}" for n in CANDIDATE_NAMES))


@dataclass
class Reading:
    """A candidate and the lines it would give, before metadata and normalising."""

    candidate: Candidate
    lines: list[str]
    noise_lines: int  # lines the noise rules took out of it


_SENTENCE_END_RE = re.compile(r"[.!?。！？…][”’\"')）」』]?$")


def _is_sentence(line: str) -> bool:
    """Prose in any script: a finished sentence of a reasonable length."""
    return len(line) >= (15 if HAN_RE.search(line) else 40) and bool(_SENTENCE_END_RE.search(line))


def _log(x: float) -> float:
    return math.log1p(max(0.0, x))


def _bag(lines: list[str]) -> Counter:
    """A reading as the multiset of its lines, each weighing its length."""
    return Counter(lines)


def _agreement(a: Counter, b: Counter) -> float:
    """Share of the two readings' text they have in common (Dice on lines weighed by length)."""
    if len(a) > len(b):
        a, b = b, a
    common = sum(len(line) * min(n, b[line]) for line, n in a.items() if line in b)
    total = sum(len(line) * n for line, n in a.items()) + sum(len(line) * n for line, n in b.items())
    return 2 * common / total if total else 0.0


def _title_index(blocks: list[Block], title: str | None) -> int | None:
    key = paragraph_key(title or "")
    if not key:
        return None
    for block in blocks:
        if paragraph_key(block.text) == key:
            return block.index
    return None


def _records_features(records: Records | None, chars: int) -> dict[str, float]:
    if records is None:
        return {"records_log_n": 0.0, "records_share": 0.0, "records_link_ratio": 0.0, "records_dated": 0.0,
                "records_log_mean": 0.0}
    return {
        "records_log_n": _log(records.count),
        "records_share": records.chars / chars,
        "records_link_ratio": records.link_chars / (records.chars or 1),
        "records_dated": records.dated / records.count,
        "records_log_mean": _log(records.chars / records.count),
    }


def page_features(blocks: list[Block], pruning: Pruning, cjk: bool, declared: str | None,
                  records: Records | None, buy_buttons: int = 0) -> dict[str, float]:
    """`buy_buttons`: the page's cart_lines(), counted once by the caller."""
    chars = sum(b.chars for b in blocks) or 1
    masked = sum(b.chars for b, rule in zip(blocks, pruning.removed_by) if rule)
    return {
        **_records_features(records, chars),
        "cjk": float(cjk),
        "log_page_chars": _log(chars),
        "page_prose_share": sum(prose_chars(b) for b in blocks) / chars,
        "page_link_ratio": sum(b.link_chars for b in blocks) / chars,
        "log_blocks": _log(len(blocks)),
        "masked_share": masked / chars,
        "spared": float(len(pruning.spared)),
        "lifted": float(pruning.lifted),
        "comments_masked": float(pruning.counts.get("comments", 0)),
        **{f"declares_{k}": float(declared == k) for k in DECLARED_KINDS},
        **_shop_features(blocks, buy_buttons),
    }


# A shop's page: "Add to cart" buttons and short price lines ("$19.99", "Regular price £12").
_PRICE_RE = re.compile(r"[$€£¥￥]\s?\d[\d,.]*|\d[\d,.]*\s?(?:€|USD|EUR|GBP|元)(?![a-z])")
_PRICE_LINE_MAX = 40
_CART_LINE_MAX = 30


def cart_lines(blocks: list[Block], buttons: int = 0) -> int:
    """A shop's buy buttons: blocks that are one (a link, a span) and the form controls counted before."""
    return buttons + sum(1 for b in blocks if b.chars <= _CART_LINE_MAX and BUY_RE.match(b.text))


def _shop_features(blocks: list[Block], buy_buttons: int) -> dict[str, float]:
    prices = sum(1 for b in blocks if b.chars <= _PRICE_LINE_MAX and _PRICE_RE.search(b.text))
    return {"cart_lines": float(min(buy_buttons, 5)), "log_price_lines": _log(prices)}


def _shape(reading: Reading, blocks: list[Block], page_chars: int, page_prose: int,
           title_at: int | None, in_records: set[int], removed_by: list[str | None]) -> dict[str, float]:
    lines = reading.lines
    cand = reading.candidate
    n = len(lines)
    chars = sum(len(line) for line in lines)
    covered = [blocks[i] for i in cand.indexes]
    covered_chars = sum(b.chars for b in covered) or 1
    last = max(1, len(blocks) - 1)
    span = cand.end - cand.start + 1 if cand.indexes else 0
    return {
        "log_chars": _log(chars),
        "chars_share": chars / page_chars,
        "prose_covered": sum(prose_chars(b) for b in covered) / page_prose,
        "log_lines": _log(n),
        "log_mean_line": _log(chars / n) if n else 0.0,
        "sentence_share": sum(1 for line in lines if _is_sentence(line)) / n if n else 0.0,
        "link_ratio": sum(b.link_chars for b in covered) / covered_chars,
        "noise_share": reading.noise_lines / (n + reading.noise_lines) if n + reading.noise_lines else 0.0,
        "start_pos": cand.start / last,
        "end_pos": max(0, cand.end) / last,
        "spread": len(cand.indexes) / span if span else 0.0,
        "title_distance": (_log(abs(cand.start - title_at)) if title_at is not None and cand.indexes else -1.0),
        "in_records": sum(1 for i in cand.indexes if i in in_records) / len(cand.indexes) if cand.indexes else 0.0,
        "masked_kept": sum(1 for i in cand.indexes if removed_by[i]) / len(cand.indexes) if cand.indexes else 0.0,
    }


def _extra(lines: list[str], run_lines: set[str]) -> dict[str, float]:
    """What a reading adds to the article run: how much, and whether it is prose (a listing's
    snippets) or labels (a sidebar's dates and links)."""
    extra = [line for line in lines if line not in run_lines]
    chars = sum(len(line) for line in lines) or 1
    return {
        "extra_share": sum(len(line) for line in extra) / chars,
        "extra_sentences": sum(1 for line in extra if _is_sentence(line)) / len(extra) if extra else 0.0,
    }


def candidate_features(readings: list[Reading], blocks: list[Block], title: str | None,
                       records: Records | None, pruning: Pruning) -> list[dict[str, float]]:
    """One feature dict per reading (page features not included)."""
    page_chars = sum(b.chars for b in blocks) or 1
    page_prose = sum(prose_chars(b) for b in blocks) or 1
    title_at = _title_index(blocks, title)
    in_records = set(records.indexes) if records else set()
    bags = [_bag(r.lines) for r in readings]
    names = [r.candidate.name for r in readings]
    lengths = {n: sum(len(line) for line in r.lines) for n, r in zip(names, readings)}
    run_lines = set(next((r.lines for r in readings if r.candidate.name == "run"), []))
    rows = []
    for i, reading in enumerate(readings):
        row = _shape(reading, blocks, page_chars, page_prose, title_at, in_records, pruning.removed_by)
        agree = {names[j]: _agreement(bags[i], bags[j]) for j in range(len(readings)) if j != i}
        row["agree_mean"] = sum(agree.values()) / len(agree) if agree else 0.0
        row["agree_max"] = max(agree.values(), default=0.0)
        row.update(_extra(reading.lines, run_lines))
        for name in ("run", "trafilatura"):  # length against the two article readings
            other = lengths.get(name)
            row[f"vs_{name}"] = math.log((lengths[names[i]] + 1) / (other + 1)) if other is not None else 0.0
        for name in CANDIDATE_NAMES:
            row[f"agree_{name}"] = agree.get(name, -1.0)
            row[f"is_{name}"] = float(reading.candidate.name == name)
        rows.append(row)
    return rows


def vectors(page: dict[str, float], rows: list[dict[str, float]]) -> list[list[float]]:
    """The rows as vectors in FEATURES order."""
    return [[{**page, **row}[name] for name in FEATURES] for row in rows]


PAGE_TYPES = ("article", "forum", "listing", "collection", "product", "documentation", "service")
_TYPE_READINGS = ("run", "whole", "trafilatura", "records")
_SHAPE = CANDIDATE_FEATURES[:14]  # length, coverage, sentences, links, position: no agreement terms


def type_vector(names: list[str], vecs: list[list[float]]) -> list[float]:
    """What the page-type model reads: the page's features and the shape of four readings."""
    out = list(vecs[0][: len(PAGE_FEATURES)]) if vecs else [0.0] * len(PAGE_FEATURES)
    at = {name: vec for name, vec in zip(names, vecs)}
    offset = len(PAGE_FEATURES)
    for name in _TYPE_READINGS:
        vec = at.get(name)
        out.extend(vec[offset : offset + len(_SHAPE)] if vec else [0.0] * len(_SHAPE))
    return out


TYPE_FEATURES = (*PAGE_FEATURES, *(f"{r}_{f}" for r in _TYPE_READINGS for f in _SHAPE))
