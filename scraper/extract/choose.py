"""Choose one candidate body per page."""

from __future__ import annotations

from .blocks import Block
from .candidates import Candidate


def choose(candidates: list[Candidate], blocks: list[Block], cjk: bool) -> Candidate:
    """The candidate to trust for this page."""
    by_name = {c.name: c for c in candidates}
    if len(candidates) == 1:
        return candidates[0]
    if not cjk and "trafilatura" in by_name:
        return by_name["trafilatura"]
    return by_name["run"]
