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
from ..terminal import terminal_line, terminal_safe
from .app import EXIT_OK, EXIT_SOME_FAILED, TEXT, db_option, handle_errors, main, resolve_db_path

EXIT_LOCKED = 75  # sysexits.h EX_TEMPFAIL: "try again later"


def _progress(quiet: bool):
    from ..crawl.progress import LogProgress, NullProgress, RichProgress

    if quiet:
        return NullProgress()
    return RichProgress() if sys.stderr.isatty() else LogProgress()


def _report(summary, progress, quiet: bool) -> None:
    """The summary, once, on stderr (stdout stays empty): a table under the bar on a
    terminal; without one, LogProgress has already logged it as its last line."""
    from ..crawl.progress import RichProgress, one_line, summary_table

    if quiet:
        if summary.failed or summary.unreachable:
            click.echo(f"crawl run {summary.run_id}: {one_line(summary)}", err=True)
    elif isinstance(progress, RichProgress):
        progress.console.print(summary_table(summary))


class _SafeFormatter(logging.Formatter):
    """Log records quote URLs and server messages: control characters made visible."""

    def format(self, record: logging.LogRecord) -> str:
        return terminal_safe(super().format(record))


def _setup_logging() -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(_SafeFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.WARNING, handlers=[handler])


def _exit_code(summary, stopper) -> int:
    if summary.status == "interrupted":
        return 128 + (stopper.signum or signal.SIGINT)
    return EXIT_OK if summary.ok else EXIT_SOME_FAILED


def _load(sites: str, every: str | None, max_pages: int | None):
    from ..crawl.config import config_for_url, duration_within, load_config

    if sites.lower().startswith(("http://", "https://")):
        config = config_for_url(sites)  # a one-off crawl of that site with default settings
    elif "://" in sites:
        scheme = sites.split("://", 1)[0]
        raise ConfigError(f"{sites}: unsupported URL scheme {scheme!r}: crawl an http:// or https:// URL, "
                          "or give a sites TOML file")
    else:
        config = _load_file(sites, load_config)
    interval = None
    if every is not None:
        try:
            interval = duration_within()(every)
        except ValueError as exc:
            raise ConfigError(f"--every: {exc}") from None
        if interval <= 0:
            raise ConfigError("--every: must be longer than 0 seconds")
    return config, interval


def _load_file(sites: str, load_config):
    try:
        return load_config(sites)
    except ConfigError as exc:
        from pathlib import Path

        from ..sources.inputs import missing_hint

        if not Path(sites).exists() and missing_hint(sites):
            raise ConfigError(f"{exc}{missing_hint(sites)}") from None
        raise


def _narrow(config, warc_dir: str | None, shard: str | None):
    """--warc and --shard applied to the loaded config."""
    from dataclasses import replace

    if warc_dir is not None:
        from pathlib import Path

        config = replace(config, warc_dir=Path(warc_dir))
    if shard is not None:
        from ..crawl.shard import parse_shard, select_shard

        config = select_shard(config, *parse_shard(shard))
    return config


def _refuse_if_locked(db_path) -> None:
    """Exit 75 at once if a crawl holds the store, before importing the crawler (~1 s):
    a cron run that finds the previous one still going says so without delay.
    (`crawl_locked` takes the lock itself; this is only the fast answer.)"""
    from ..crawl.lock import RunLock, locked_message

    lock = RunLock(db_path)
    try:
        lock.acquire()
    except CrawlLockedError:
        click.echo(f"error: {terminal_line(locked_message(db_path))}", err=True)
        sys.exit(EXIT_LOCKED)
    lock.release()


@main.command("crawl")
@click.argument("sites", metavar="SITES.toml|URL")
@db_option
@click.option("--every", type=TEXT, default=None, metavar="DURATION",
              help="Keep running: start a run every DURATION (e.g. 30m, 6h, 1d) until SIGTERM/Ctrl-C.")
@click.option("--max-pages", type=click.IntRange(1, 10**9), default=None,
              help="At most N pages per site in this run (overrides the config).")
@click.option("--workers", type=click.IntRange(0, 256), default=None,
              help="Cleaning processes (default: one per core; 0 = clean in the crawler process).")
@click.option("--warc", "warc_dir", type=click.Path(file_okay=False), default=None, metavar="DIR",
              help="Also write every response, with its request, as WARC/1.1 files in DIR (overrides warc_dir).")
@click.option("--shard", type=TEXT, default=None, metavar="I/N",
              help="Crawl only the sites of shard I of N (a stable hash of each site's hosts): N machines split the file.")
@click.option("--quiet", "-q", is_flag=True, help="No progress or summary; a one-line report on stderr if pages failed.")
@handle_errors
def crawl_command(sites: str, db: str | None, every: str | None, max_pages: int | None,
                  workers: int | None, warc_dir: str | None, shard: str | None, quiet: bool) -> None:
    """Crawl the sites listed in SITES.toml (see fixtures/sites.example.toml) into the store,
    or one site from its URL with default settings.

    \b
    scraper crawl sites.toml --every 6h
    scraper crawl http://www.example.gov.cn/ --max-pages 200

    Only new or changed pages are fetched and cleaned (conditional GET, revisit
    intervals); the frontier lives in the store, so a killed run resumes.
    """
    config, interval = _load(sites, every, max_pages)
    config = _narrow(config, warc_dir, shard)
    if not config.sites:
        click.echo(f"shard {shard} holds no site of {terminal_line(sites)}: nothing to crawl", err=True)
        sys.exit(EXIT_OK)
    db_path = resolve_db_path(db)
    if interval is None:
        _refuse_if_locked(db_path)
    from ..crawl.schedule import Stopper, crawl_locked, run_every

    _setup_logging()
    stopper = Stopper().install()
    options = {"max_pages": max_pages, "workers": workers}

    def once() -> int:
        progress = _progress(quiet)
        try:
            summary = crawl_locked(config, db_path, stopper=stopper, progress=progress, **options)
        except CrawlLockedError as exc:
            click.echo(f"error: {terminal_line(exc)}", err=True)
            return EXIT_LOCKED
        _report(summary, progress, quiet)
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
