"""The crawl frontier, kept in the store's `frontier` table so memory stays flat and
a killed run resumes.

States: queued -> in_progress (leased by a run) -> done | failed, and done/failed
rows come due again at `next_fetch_at` (the revisit interval, or a backoff after a
failure). A lease stamps the row with the run id; a run never leases a URL it has
already handled (`run_id` = this run), so a zero revisit interval cannot loop. One
run per store holds the lock (`RunLock`), so at start every in_progress row belongs
to a dead run and goes back to queued (`recover`).

All statements run on the store's connection in the caller's thread; callers group
them with `Store.batch()` so a page, its document and its frontier row commit together.
Times are the store's UTC strings, so string order is time order.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Iterable, Sequence

FAILED_BACKOFF = 3600.0  # first wait after a failed fetch; doubles per attempt
FAR_FUTURE = "9999-12-31T00:00:00Z"


def iso(ts: float) -> str:
    """Unix time -> the store's UTC string."""
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class FrontierItem:
    """A leased URL with what the last visit left: validators for a conditional GET."""

    url: str
    site: str
    depth: int
    kind: str | None
    attempts: int
    discovered_from: str | None = None
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class NewURL:
    """A URL to enqueue (normalised, in scope, not a trap)."""

    url: str
    depth: int
    kind: str | None = None
    discovered_from: str | None = None


def failed_backoff(attempts: int, cap: float) -> float:
    """Seconds before a URL that failed `attempts` times is tried again."""
    return min(cap, FAILED_BACKOFF * 2 ** max(0, attempts - 1))


class Frontier:
    """The frontier rows of one run (`run_id`); `clock` is injectable for tests.

    `sites` are the configured site names: a known URL filed under a site that is no
    longer configured (renamed, merged) is adopted by the site that enqueues it again.
    """

    def __init__(self, conn: sqlite3.Connection, run_id: int, clock=time.time, sites: tuple[str, ...] = ()):
        self.conn = conn
        self.run_id = run_id
        self.clock = clock
        self.sites_json = json.dumps(list(sites))

    def now(self, ahead: float = 0.0) -> str:
        return iso(self.clock() + ahead)

    def recover(self) -> int:
        """Put rows leased by dead runs back in the queue; close those runs' rows."""
        moved = self.conn.execute(
            "UPDATE frontier SET state = 'queued' WHERE state = 'in_progress' AND run_id IS NOT :run",
            {"run": self.run_id},
        ).rowcount
        self.conn.execute(
            "UPDATE runs SET status = 'interrupted' WHERE kind = 'crawl' AND status = 'running' AND id <> ?",
            (self.run_id,),
        )
        return moved

    def enqueue(self, site: str, urls: Iterable[NewURL]) -> int:
        """Insert new URLs; a known URL keeps its state. Returns how many rows were written."""
        now = self.now()
        rows = [(u.url, site, u.depth, u.kind, u.discovered_from, now, now, self.sites_json) for u in urls]
        if not rows:
            return 0
        before = self.conn.total_changes
        self.conn.executemany(
            "INSERT INTO frontier (url, site, depth, kind, state, discovered_from, discovered_at, next_fetch_at)"
            " VALUES (?1, ?2, ?3, ?4, 'queued', ?5, ?6, ?7)"
            " ON CONFLICT (url) DO UPDATE SET site = excluded.site"
            " WHERE ?8 <> '[]' AND frontier.site NOT IN (SELECT value FROM json_each(?8))",
            rows,
        )
        return self.conn.total_changes - before

    def make_due(self, urls_changed_since: Sequence[tuple[str, str]]) -> int:
        """(url, iso date) from a sitemap/feed: a done URL whose page is older comes due now."""
        now = self.now()
        before = self.conn.total_changes
        self.conn.executemany(
            "UPDATE frontier SET next_fetch_at = :now WHERE url = :url AND state = 'done'"
            " AND next_fetch_at > :now AND (run_id IS NOT :run)"
            " AND (SELECT fetched_at FROM pages WHERE pages.url = frontier.url) < :since",
            [{"now": now, "url": u, "since": d, "run": self.run_id} for u, d in urls_changed_since],
        )
        return self.conn.total_changes - before

    def lease(self, site: str, limit: int) -> list[FrontierItem]:
        """Take up to `limit` due URLs of `site` (oldest due first) for this run."""
        if limit <= 0:
            return []
        rows = self.conn.execute(
            """UPDATE frontier SET state = 'in_progress', run_id = :run
               WHERE url IN (SELECT url FROM frontier
                             WHERE site = :site AND state <> 'in_progress' AND next_fetch_at <= :now
                               AND run_id IS NOT :run
                             ORDER BY next_fetch_at LIMIT :limit)
               RETURNING url, site, depth, kind, attempts, discovered_from""",
            {"run": self.run_id, "site": site, "now": self.now(), "limit": limit},
        ).fetchall()
        if not rows:
            return []
        marks = ",".join("?" * len(rows))
        validators = {
            r["url"]: (r["etag"], r["last_modified"])
            for r in self.conn.execute(
                f"SELECT url, etag, last_modified FROM pages WHERE body IS NOT NULL AND url IN ({marks})",
                [r["url"] for r in rows],
            )
        }
        items = [FrontierItem(r["url"], r["site"], r["depth"], r["kind"], r["attempts"], r["discovered_from"],
                              *validators.get(r["url"], (None, None))) for r in rows]
        return sorted(items, key=lambda i: (i.depth, i.url))

    def done(self, url: str, kind: str | None, revisit: float, *, site: str | None = None, depth: int = 0) -> None:
        """Visited (fetched, 304, or skipped for good): due again after `revisit` seconds."""
        self.conn.execute(
            """INSERT INTO frontier (url, site, depth, kind, state, discovered_at, next_fetch_at, attempts, run_id)
               VALUES (:url, :site, :depth, :kind, 'done', :now, :next, 0, :run)
               ON CONFLICT (url) DO UPDATE SET state = 'done', kind = coalesce(:kind, kind),
                 next_fetch_at = :next, attempts = 0, last_error = NULL, run_id = :run""",
            {"url": url, "site": site or "", "depth": depth, "kind": kind, "now": self.now(),
             "next": self.now(revisit), "run": self.run_id},
        )

    def skipped(self, url: str, reason: str, revisit: float) -> None:
        """Not fetched on purpose (robots, scope after a redirect): look again after `revisit`."""
        self.conn.execute(
            "UPDATE frontier SET state = 'done', next_fetch_at = ?, last_error = ?, run_id = ? WHERE url = ?",
            (self.now(revisit), reason, self.run_id, url),
        )

    def failed(self, url: str, error: str, cap: float) -> None:
        """A failed visit: count it and back off (1 h, 2 h, 4 h ... up to `cap`)."""
        row = self.conn.execute("SELECT attempts FROM frontier WHERE url = ?", (url,)).fetchone()
        attempts = (row["attempts"] if row else 0) + 1
        self.conn.execute(
            "UPDATE frontier SET state = 'failed', attempts = ?, last_error = ?, next_fetch_at = ?, run_id = ?"
            " WHERE url = ?",
            (attempts, error[:500], self.now(failed_backoff(attempts, cap)), self.run_id, url),
        )

    def defer(self, url: str, seconds: float) -> None:
        """Not a failure (robots.txt unavailable): queued again for a later run."""
        self.conn.execute(
            "UPDATE frontier SET state = 'queued', next_fetch_at = ?, run_id = ? WHERE url = ?",
            (self.now(seconds), self.run_id, url),
        )

    def release(self, urls: Iterable[str] | None = None) -> int:
        """Give back this run's leases (a clean stop): they are queued for the next run."""
        if urls is None:
            return self.conn.execute(
                "UPDATE frontier SET state = 'queued', run_id = NULL WHERE state = 'in_progress' AND run_id = ?",
                (self.run_id,),
            ).rowcount
        self.conn.executemany(
            "UPDATE frontier SET state = 'queued', run_id = NULL WHERE url = ? AND state = 'in_progress'",
            [(u,) for u in urls],
        )
        return 0

    def handled(self, url: str) -> bool:
        """Was `url` already visited by this run (e.g. reached again through a redirect)?"""
        row = self.conn.execute("SELECT state, run_id FROM frontier WHERE url = ?", (url,)).fetchone()
        return row is not None and row["run_id"] == self.run_id and row["state"] != "queued"

    def due_count(self) -> int:
        """URLs this run could still take (all sites): the "queued" figure of the progress bar."""
        return self.conn.execute(
            "SELECT count(*) FROM frontier WHERE state <> 'in_progress' AND next_fetch_at <= ?"
            " AND run_id IS NOT ?",
            (self.now(), self.run_id),
        ).fetchone()[0]
