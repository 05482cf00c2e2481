"""What a crawl run did: the `RunSummary` contract, read back from its `runs` row.

The store's `save()` counts fetched/new/changed/unchanged/failed/duplicates in the
same transaction as each page; the crawl-only counters (near duplicates, deferred,
skipped by reason) are bumped here, also inside the page's transaction, so the row
always matches what was stored, even after a kill.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class RunSummary:
    """One crawl run. `new` / `changed` / `unchanged` count documents (articles);
    `lists` the pages stored without one (list pages, crawled for their links).
    `failed_by_reason` keys: http_404, timeout, too_large, too_slow, redirect, connect,
    protocol, truncated, no_content, not_html, ...; `skipped_by_reason`:
    robots_disallowed, redirect_out_of_scope (not failures: nothing is wrong with the
    page). `unreachable`: sites that yielded nothing because they could not be reached
    ({name: why}); each one fails the run like a failed page."""

    run_id: int
    status: str
    started_at: str
    finished_at: str | None
    fetched: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: int = 0
    duplicates: int = 0
    near_duplicates: int = 0
    deferred: int = 0
    lists: int = 0
    failed_by_reason: dict[str, int] = field(default_factory=dict)
    skipped_by_reason: dict[str, int] = field(default_factory=dict)
    unreachable: dict[str, str] = field(default_factory=dict)
    queued: int = 0
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        return self.failed == 0 and not self.unreachable and self.status == "ok"

    @property
    def skipped(self) -> int:
        return sum(self.skipped_by_reason.values())

    @property
    def rate(self) -> float:
        return self.fetched / self.elapsed if self.elapsed > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def load_summary(conn: sqlite3.Connection, run_id: int, *, queued: int = 0, elapsed: float = 0.0) -> RunSummary:
    row = conn.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
    if row is None:
        raise KeyError(run_id)
    return RunSummary(
        run_id=run_id, status=row["status"], started_at=row["started_at"], finished_at=row["finished_at"],
        fetched=row["fetched"], new=row["new"], changed=row["changed"], unchanged=row["unchanged"],
        failed=row["failed"], duplicates=row["duplicates"], near_duplicates=row["near_duplicates"],
        deferred=row["deferred"], lists=row["lists"], failed_by_reason=json.loads(row["failed_by_reason"] or "{}"),
        skipped_by_reason=json.loads(row["skipped_by_reason"] or "{}"),
        unreachable=json.loads(row["unreachable"] or "{}"), queued=queued, elapsed=elapsed,
    )


def record_unreachable(conn: sqlite3.Connection, run_id: int, sites: dict[str, str]) -> None:
    """Name the sites the run could not reach (written when the run ends)."""
    conn.execute("UPDATE runs SET unreachable = ? WHERE id = ?", (json.dumps(sites, ensure_ascii=False), run_id))


def bump(conn: sqlite3.Connection, run_id: int, counter: str) -> None:
    """+1 on one of the crawl-only counters: near_duplicates or deferred."""
    if counter not in ("near_duplicates", "deferred"):
        raise ValueError(counter)
    conn.execute(f"UPDATE runs SET {counter} = {counter} + 1 WHERE id = ?", (run_id,))


def bump_skipped(conn: sqlite3.Connection, run_id: int, reason: str) -> None:
    path = f'$."{reason}"'
    conn.execute(
        "UPDATE runs SET skipped_by_reason = json_set(skipped_by_reason, :p,"
        " coalesce(json_extract(skipped_by_reason, :p), 0) + 1) WHERE id = :id",
        {"p": path, "id": run_id},
    )
