"""`scraper crawl SITES.toml`: one polite, incremental crawl run (or one every N hours).

Exit codes: 0 every page fine; 1 some pages failed (or the run itself failed);
2 config or usage error; 75 (EX_TEMPFAIL) another crawl holds the store's lock;
130 / 143 a run stopped by Ctrl-C / SIGTERM (its state is saved; the next run
resumes). `--every` stopped between runs exits 0.
"""

from __future__ import annotations

import logging
import signal
import sys

import click

from ..errors import ConfigError, CrawlLockedError
from .app import EXIT_OK, EXIT_SOME_FAILED, db_option, handle_errors, main, resolve_db_path

EXIT_LOCKED = 75  # sysexits.h EX_TEMPFAIL: "try again later"


def _progress(quiet: bool):
    from ..crawl.progress import LogProgress, NullProgress, RichProgress

    if quiet:
        return NullProgress()
    return RichProgress() if sys.stderr.isatty() else LogProgress()


def _report(summary, quiet: bool) -> None:
    from ..crawl.progress import one_line, summary_table

    if quiet:
        if summary.failed or summary.unreachable:
            click.echo(f"crawl run {summary.run_id}: {one_line(summary)}", err=True)
        return
    from rich.console import Console

    Console().print(summary_table(summary))


def _exit_code(summary, stopper) -> int:
    if summary.status == "interrupted":
        return 128 + (stopper.signum or signal.SIGINT)
    return EXIT_OK if summary.ok else EXIT_SOME_FAILED


def _load(sites: str, every: str | None, max_pages: int | None):
    from ..crawl.config import load_config, parse_duration

    config = load_config(sites)
    interval = None
    if every is not None:
        try:
            interval = parse_duration(every)
        except ValueError as exc:
            raise ConfigError(f"--every: {exc}") from None
        if interval <= 0:
            raise ConfigError("--every: must be longer than 0 seconds")
    return config, interval


@main.command("crawl")
@click.argument("sites", type=click.Path(dir_okay=False))
@db_option
@click.option("--every", default=None, metavar="DURATION",
              help="Keep running: start a run every DURATION (e.g. 30m, 6h, 1d) until SIGTERM/Ctrl-C.")
@click.option("--max-pages", type=click.IntRange(min=1), default=None,
              help="At most N pages per site in this run (overrides the config).")
@click.option("--workers", type=click.IntRange(min=0), default=None,
              help="Cleaning processes (default: one per core; 0 = clean in the crawler process).")
@click.option("--quiet", "-q", is_flag=True, help="No progress or summary; a one-line report on stderr if pages failed.")
@handle_errors
def crawl_command(sites: str, db: str | None, every: str | None, max_pages: int | None,
                  workers: int | None, quiet: bool) -> None:
    """Crawl the sites listed in SITES (TOML; see fixtures/sites.example.toml) into the store.

    Only new or changed pages are fetched and cleaned (conditional GET, revisit
    intervals); the frontier lives in the store, so a killed run resumes.
    """
    from ..crawl.schedule import Stopper, crawl_locked, run_every

    config, interval = _load(sites, every, max_pages)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    db_path = resolve_db_path(db)
    stopper = Stopper().install()
    options = {"max_pages": max_pages, "workers": workers}

    def once() -> int:
        try:
            summary = crawl_locked(config, db_path, stopper=stopper, progress=_progress(quiet), **options)
        except CrawlLockedError as exc:
            click.echo(f"error: {exc}", err=True)
            return EXIT_LOCKED
        _report(summary, quiet)
        return _exit_code(summary, stopper)

    try:
        if interval is None:
            code = once()
        else:
            code = run_every(interval, once, stopper)
            if stopper.stopped and code in (None, EXIT_OK, EXIT_SOME_FAILED, EXIT_LOCKED):
                code = EXIT_OK  # stopped between runs: a clean end
    finally:
        stopper.uninstall()
    sys.exit(code)
