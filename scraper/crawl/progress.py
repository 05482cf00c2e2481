"""How a run shows itself: a live rich progress bar on a terminal, plain log lines
otherwise (cron, systemd, pipes), nothing when quiet; a summary table at the end.

The runner calls `start`, `visit` (each written URL), `tick` (about twice a second)
and `finish`; implementations only display, they never touch the store.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import IO, Protocol

from .commit import Written
from .summary import RunSummary

_ERRORS = ("failed",)


@dataclass(frozen=True)
class Snapshot:
    """Counters so far: outcome -> count, URLs in flight, due URLs left, seconds elapsed."""

    counts: dict[str, int] = field(default_factory=dict)
    in_flight: int = 0
    queued: int = 0
    elapsed: float = 0.0

    @property
    def fetched(self) -> int:
        return sum(v for k, v in self.counts.items() if k not in ("deferred", "skipped", "duplicate-redirect"))

    @property
    def documents(self) -> int:
        return sum(self.counts.get(k, 0) for k in ("new", "changed", "unchanged"))

    @property
    def errors(self) -> int:
        return sum(self.counts.get(k, 0) for k in _ERRORS)

    @property
    def rate(self) -> float:
        return self.fetched / self.elapsed if self.elapsed > 0 else 0.0


class Progress(Protocol):
    def start(self, run_id: int, sites: list[str]) -> None: ...
    def visit(self, url: str, written: Written) -> None: ...
    def tick(self, snapshot: Snapshot) -> None: ...
    def finish(self, summary: RunSummary) -> None: ...


class NullProgress:
    """Shows nothing (the Python API's default, and --quiet)."""

    def start(self, run_id: int, sites: list[str]) -> None:
        pass

    def visit(self, url: str, written: Written) -> None:
        pass

    def tick(self, snapshot: Snapshot) -> None:
        pass

    def finish(self, summary: RunSummary) -> None:
        pass


def status_line(s: Snapshot) -> str:
    c = s.counts
    return (f"fetched {s.fetched} (documents: new {c.get('new', 0)}, changed {c.get('changed', 0)}, "
            f"unchanged {c.get('unchanged', 0)}; list pages {c.get('list', 0)}), errors {s.errors}, queued {s.queued}, "
            f"in flight {s.in_flight}, {s.rate:.1f} pages/s")


def short_line(s: Snapshot) -> str:
    """The bar's text: what fits beside it on an 80-column terminal."""
    return f"{s.fetched} fetched, {s.queued} queued, {s.rate:.1f}/s, {s.errors} errors"


class LogProgress(NullProgress):
    """Plain lines for logs: the run's start, each failure, a status line every `every` s."""

    def __init__(self, out: IO[str] | None = None, every: float = 10.0):
        self.out = out or sys.stderr
        self.every = every
        self._last = time.monotonic()

    def _say(self, text: str) -> None:
        print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {text}", file=self.out, flush=True)

    def start(self, run_id: int, sites: list[str]) -> None:
        self._say(f"crawl run {run_id} started: {', '.join(sites)}")

    def visit(self, url: str, written: Written) -> None:
        if written.outcome == "failed":
            self._say(f"failed {written.reason}: {url}")

    def tick(self, snapshot: Snapshot) -> None:
        if time.monotonic() - self._last >= self.every:
            self._last = time.monotonic()
            self._say(status_line(snapshot))

    def finish(self, summary: RunSummary) -> None:
        self._say(f"crawl run {summary.run_id} {summary.status}: " + one_line(summary))
        for site, why in sorted(summary.unreachable.items()):
            self._say(f"site {site} could not be reached: {why}")


class RichProgress(NullProgress):
    """A live bar on a terminal: fetched, queued, rate, errors."""

    def __init__(self, console=None):
        from rich.console import Console
        from rich.progress import BarColumn, Progress as Bar, TextColumn, TimeElapsedColumn

        self.console = console or Console(stderr=True)
        self.bar = Bar(TextColumn("[bold]crawl[/]"), BarColumn(bar_width=20), TextColumn("{task.description}"),
                       TimeElapsedColumn(), console=self.console, transient=True)
        self.task = self.bar.add_task("starting", total=None)

    def start(self, run_id: int, sites: list[str]) -> None:
        self.bar.start()

    def visit(self, url: str, written: Written) -> None:
        if written.outcome == "failed":
            self.console.print(f"[red]failed[/] {written.reason}: {url}", highlight=False)

    def tick(self, snapshot: Snapshot) -> None:
        total = snapshot.fetched + snapshot.queued + snapshot.in_flight
        self.bar.update(self.task, completed=snapshot.fetched, total=total or None,
                        description=short_line(snapshot))

    def finish(self, summary: RunSummary) -> None:
        self.bar.stop()


def one_line(s: RunSummary) -> str:
    reasons = ", ".join(f"{k} {v}" for k, v in sorted(s.failed_by_reason.items()))
    unreachable = ", ".join(sorted(s.unreachable))
    return (f"fetched {s.fetched}, new {s.new}, changed {s.changed}, unchanged {s.unchanged}, "
            f"list pages {s.lists}, failed {s.failed}" + (f" ({reasons})" if reasons else "")
            + (f", unreachable sites {len(s.unreachable)} ({unreachable})" if s.unreachable else "")
            + f", duplicates {s.duplicates}, near duplicates {s.near_duplicates}, skipped {s.skipped}, "
            f"deferred {s.deferred}, still due {s.queued}, {s.elapsed:.1f} s")


def summary_table(s: RunSummary):
    """The end-of-run table (a rich Table)."""
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"crawl run {s.run_id}: {s.status}", show_header=True, header_style="bold")
    table.add_column("measure")
    table.add_column("count", justify="right")
    rows = [("fetched", s.fetched), ("new documents", s.new), ("changed", s.changed),
            ("unchanged (304 or same text)", s.unchanged), ("list pages (links only)", s.lists),
            ("failed", s.failed)]
    rows += [(f"  {k}", v) for k, v in sorted(s.failed_by_reason.items())]
    rows += [("duplicates (same text)", s.duplicates), ("near duplicates", s.near_duplicates),
             ("skipped", s.skipped)]
    rows += [(f"  {k}", v) for k, v in sorted(s.skipped_by_reason.items())]
    rows += [("deferred (robots.txt unavailable)", s.deferred), ("still due (next run)", s.queued)]
    rows += [("unreachable sites", len(s.unreachable))] if s.unreachable else []
    rows += [(f"  {name}", why) for name, why in sorted(s.unreachable.items())]
    for name, value in rows:
        table.add_row(escape(name), escape(str(value)))  # site names and reasons come from config and the web
    table.caption = f"{s.elapsed:.1f} s, {s.rate:.1f} pages/s"
    return table
