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
    return Run(
        id=row["id"], kind=row["kind"], started_at=row["started_at"], finished_at=row["finished_at"],
        status=row["status"], config=config, failed_by_reason=json.loads(row["failed_by_reason"] or "{}"),
        lists=row["lists"], **{c: row[c] for c in _COUNTERS},
    )


def get_run(conn: sqlite3.Connection, run_id: int) -> Run | None:
    row = conn.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
    return row_to_run(row) if row else None


def last_run(conn: sqlite3.Connection) -> Run | None:
    row = conn.execute("SELECT * FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    return row_to_run(row) if row else None
