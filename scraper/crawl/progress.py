"""How a run shows itself: a live rich progress bar on a terminal, plain log lines
otherwise (cron, systemd, pipes), nothing when quiet; a summary at the end.

The runner calls `start`, `visit` (each written URL), `tick` (about twice a second)
and `finish`; implementations only display, they never touch the store.

On a terminal, failures are counted in the bar and listed at the end grouped by
reason with a few example URLs each (134 404s are one group, not 134 lines above
the bar). URLs and every other piece of web text reach rich as `Text` objects and
with control characters made visible (`scraper.terminal`): a link to
`/404[/x].html` or `[link=http://...]` is printed as written, never read as markup.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import IO, Protocol

from ..terminal import rich_text, terminal_line
from .commit import Written
from .summary import RunSummary

_ERRORS = ("failed",)
EXAMPLES = 3  # URLs shown per failure reason at the end of a run on a terminal


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
    """The bar's text: what fits beside it, with elapsed time and ETA, on 80 columns."""
    rate = f"{s.rate:.0f}" if s.rate >= 10 else f"{s.rate:.1f}"
    return f"{s.fetched} done, {s.queued} queued, {s.errors} failed, {rate}/s"


class FailureLog:
    """Failures of a run by reason: a count and the first few URLs of each (bounded memory)."""

    def __init__(self, examples: int = EXAMPLES):
        self.examples = examples
        self.counts: dict[str, int] = {}
        self.urls: dict[str, list[str]] = {}

    def add(self, reason: str | None, url: str) -> None:
        reason = reason or "unknown"
        self.counts[reason] = self.counts.get(reason, 0) + 1
        urls = self.urls.setdefault(reason, [])
        if len(urls) < self.examples:
            urls.append(url)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def render(self, run_id: int | None = None):
        """A rich renderable: one group per reason, most frequent first."""
        from rich.console import Group
        from rich.text import Text

        lines = [Text(f"{self.total} failed page{'s' if self.total != 1 else ''}, by reason:", style="bold red")]
        for reason, count in sorted(self.counts.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(Text.assemble("  ", rich_text(reason, "red"), f" ({count})"))
            lines += [Text.assemble("    ", rich_text(url)) for url in self.urls[reason]]
            if count > len(self.urls[reason]):
                lines.append(Text(f"    ... and {count - len(self.urls[reason])} more", style="dim"))
        if run_id is not None:
            lines.append(Text(f"every failure is stored: SELECT url, error FROM pages WHERE run_id = {run_id} "
                              "AND error IS NOT NULL", style="dim"))
        return Group(*lines)


class LogProgress(NullProgress):
    """Plain lines for logs: the run's start, each failure, a status line every `every` s."""

    def __init__(self, out: IO[str] | None = None, every: float = 10.0):
        self.out = out or sys.stderr
        self.every = every
        self._last = time.monotonic()

    def _say(self, text: str) -> None:
        print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {text}", file=self.out, flush=True)

    def start(self, run_id: int, sites: list[str]) -> None:
        self._say(f"crawl run {run_id} started: {terminal_line(', '.join(sites))}")

    def visit(self, url: str, written: Written) -> None:
        if written.outcome == "failed":
            self._say(f"failed {terminal_line(written.reason)}: {terminal_line(url)}")

    def tick(self, snapshot: Snapshot) -> None:
        if time.monotonic() - self._last >= self.every:
            self._last = time.monotonic()
            self._say(status_line(snapshot))

    def finish(self, summary: RunSummary) -> None:
        self._say(f"crawl run {summary.run_id} {summary.status}: " + one_line(summary))
        for site, why in sorted(summary.unreachable.items()):
            self._say(f"site {terminal_line(site)} could not be reached: {terminal_line(why)}")


class RichProgress(NullProgress):
    """A live bar on a terminal: done, queued, failed, rate, elapsed time and ETA; the
    failures grouped by reason when the run ends."""

    def __init__(self, console=None):
        from rich.console import Console
        from rich.progress import BarColumn, Progress as Bar, TextColumn, TimeElapsedColumn, TimeRemainingColumn

        self.console = console or Console(stderr=True)
        self.bar = Bar(TextColumn("[bold]crawl[/]"), BarColumn(bar_width=12),
                       TextColumn("{task.description}", markup=False), TimeElapsedColumn(),
                       TimeRemainingColumn(), console=self.console, transient=True)
        self.task = self.bar.add_task("starting", total=None)
        self.failures = FailureLog()

    def start(self, run_id: int, sites: list[str]) -> None:
        self.bar.start()

    def visit(self, url: str, written: Written) -> None:
        if written.outcome == "failed":
            self.failures.add(written.reason, url)

    def tick(self, snapshot: Snapshot) -> None:
        total = snapshot.fetched + snapshot.queued + snapshot.in_flight
        self.bar.update(self.task, completed=snapshot.fetched, total=total or None,
                        description=short_line(snapshot))

    def finish(self, summary: RunSummary) -> None:
        self.bar.stop()
        if self.failures.total:
            self.console.print(self.failures.render(summary.run_id), highlight=False)


def one_line(s: RunSummary) -> str:
    reasons = terminal_line(", ".join(f"{k} {v}" for k, v in sorted(s.failed_by_reason.items())))
    unreachable = terminal_line(", ".join(sorted(s.unreachable)))
    return (f"fetched {s.fetched}, new {s.new}, changed {s.changed}, unchanged {s.unchanged}, "
            f"list pages {s.lists}, failed {s.failed}" + (f" ({reasons})" if reasons else "")
            + (f", unreachable sites {len(s.unreachable)} ({unreachable})" if s.unreachable else "")
            + f", duplicates {s.duplicates}, near duplicates {s.near_duplicates}, skipped {s.skipped}, "
            f"deferred {s.deferred}, still due {s.queued}, {s.elapsed:.1f} s")


def summary_table(s: RunSummary):
    """The end-of-run table (a rich Table)."""
    from rich.table import Table

    table = Table(title=rich_text(f"crawl run {s.run_id}: {s.status}"), show_header=True, header_style="bold")
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
        table.add_row(rich_text(name), rich_text(value))  # site names and reasons are never markup
    table.caption = f"{s.elapsed:.1f} s, {s.rate:.1f} pages/s"
    return table
