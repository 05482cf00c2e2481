"""The `runs` table: one row per crawl, clean or reextract run, with its counters.

`Store.save(..., run_id=...)` increments the counters in the same transaction as the
page, so a killed run's counts match what it actually stored.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from ..errors import StoreError
from .records import RUN_KINDS, Run
from .timeutil import now

RUN_STATUSES = ("running", "ok", "failed", "interrupted")
_COUNTERS = ("fetched", "new", "changed", "unchanged", "failed", "duplicates")


def start_run(conn: sqlite3.Connection, kind: str, config: Any = None) -> int:
    if kind not in RUN_KINDS:
        raise StoreError(f"unknown run kind {kind!r}: use one of {', '.join(RUN_KINDS)}")
    cur = conn.execute(
        "INSERT INTO runs (kind, started_at, status, config) VALUES (?, ?, 'running', ?)",
        (kind, now(), json.dumps(config, ensure_ascii=False, default=str) if config is not None else None),
    )
    return int(cur.lastrowid)


def finish_run(conn: sqlite3.Connection, run_id: int, status: str = "ok",
               counts: dict[str, Any] | None = None) -> None:
    """Close a run; `counts` (optional) overwrites the counters, e.g. for reextract."""
    if status not in RUN_STATUSES:
        raise StoreError(f"unknown run status {status!r}: use one of {', '.join(RUN_STATUSES)}")
    counts = counts or {}
    values = {c: counts.get(c) for c in _COUNTERS}
    reasons = counts.get("failed_by_reason")
    cur = conn.execute(
        """UPDATE runs SET status = :status, finished_at = :finished_at,
             fetched = coalesce(:fetched, fetched), new = coalesce(:new, new),
             changed = coalesce(:changed, changed), unchanged = coalesce(:unchanged, unchanged),
             failed = coalesce(:failed, failed), duplicates = coalesce(:duplicates, duplicates),
             failed_by_reason = coalesce(:reasons, failed_by_reason)
           WHERE id = :id""",
        {**values, "status": status, "finished_at": now(), "id": run_id,
         "reasons": json.dumps(reasons, ensure_ascii=False) if reasons is not None else None},
    )
    if cur.rowcount == 0:
        raise StoreError(f"no run with id {run_id}")


def row_to_run(row: sqlite3.Row) -> Run:
    config = json.loads(row["config"]) if row["config"] else None
    crawl = {}  # crawl-only counters, added in schema v4 (lists in v7)
    if "near_duplicates" in row.keys():
        crawl = {"near_duplicates": row["near_duplicates"], "deferred": row["deferred"],
                 "skipped_by_reason": json.loads(row["skipped_by_reason"] or "{}")}
    if "lists" in row.keys():
        crawl["lists"] = row["lists"]
    return Run(
        id=row["id"], kind=row["kind"], started_at=row["started_at"], finished_at=row["finished_at"],
        status=row["status"], config=config, failed_by_reason=json.loads(row["failed_by_reason"] or "{}"),
        **{c: row[c] for c in _COUNTERS}, **crawl,
    )


def recent_runs(conn: sqlite3.Connection, limit: int = 20, *, kind: str | None = None) -> list[Run]:
    """The last `limit` runs, newest first (of one kind if given)."""
    if kind is not None and kind not in RUN_KINDS:
        raise StoreError(f"unknown run kind {kind!r}: use one of {', '.join(RUN_KINDS)}")
    if not isinstance(limit, int) or limit < 1:
        raise StoreError(f"limit must be a positive integer, got {limit!r}")
    rows = conn.execute("SELECT * FROM runs WHERE (:kind IS NULL OR kind = :kind) ORDER BY id DESC LIMIT :limit",
                        {"kind": kind, "limit": limit})
    return [row_to_run(r) for r in rows]


def get_run(conn: sqlite3.Connection, run_id: int) -> Run | None:
    row = conn.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
    return row_to_run(row) if row else None


def last_run(conn: sqlite3.Connection) -> Run | None:
    row = conn.execute("SELECT * FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    return row_to_run(row) if row else None
