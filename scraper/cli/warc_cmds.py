"""Web archive commands: `scraper import`, `scraper batch`, `scraper merge`.

Thin shells over `scraper.warc.import_archives`, `scraper.scale.batch_clean` and
`scraper.scale.merge` (in scale/merger.py; README "Web archives" shows both forms). Dask and pyarrow
(the `scale` extra) are imported only when batch or merge runs.
"""

from __future__ import annotations

import sys

import click

from ..terminal import terminal_line
from .app import EXIT_OK, EXIT_SOME_FAILED, db_option, handle_errors, main, resolve_db_path


def _counts(summary) -> str:
    parts = [f"{summary.fetched} pages", f"{summary.new} new", f"{summary.changed} changed",
             f"{summary.unchanged} unchanged", f"{summary.lists} lists", f"{summary.failed} failed"]
    if summary.duplicates or summary.near_duplicates:
        parts.append(f"{summary.duplicates} duplicates, {summary.near_duplicates} near duplicates")
    line = ", ".join(parts)
    if summary.failed_by_reason:
        line += " (failed: " + ", ".join(f"{n} {k}" for k, n in sorted(summary.failed_by_reason.items())) + ")"
    if summary.skipped_by_reason:
        line += "; skipped: " + ", ".join(f"{n} {k}" for k, n in sorted(summary.skipped_by_reason.items()))
    return line


def _warn(message: str) -> None:
    click.echo(f"warning: {terminal_line(message)}", err=True)


@main.command("import")
@click.argument("archives", nargs=-1, required=True, type=click.Path(dir_okay=False))
@db_option
@click.option("--workers", type=click.IntRange(0, 256), default=None,
              help="Cleaning processes (default: one per core; 0 = in this process, no CPU limit per page).")
@handle_errors
def import_command(archives: tuple[str, ...], db: str | None, workers: int | None) -> None:
    """Store the HTML pages of WARC or ARC files (gzip or plain) as a crawl would.

    \b
    scraper import crawl-00000.warc.gz crawl-00001.warc.gz --db store/scraper.db

    Each HTTP response whose payload is HTML is cleaned (its HTTP charset goes to the
    decoder) and stored under its WARC-Target-URI, fetched at its WARC-Date, raw body
    kept; the latest fetch of a URL wins. One `import` run is recorded.
    """
    from ..crawl.pool import default_workers
    from ..store import Store
    from ..warc.ingest import import_archives

    with Store.open(resolve_db_path(db)) as store:
        summary = import_archives(archives, store, workers=default_workers() if workers is None else workers,
                                  warn=_warn)
    click.echo(f"import run {summary.run_id}: {_counts(summary)}", err=True)
    sys.exit(EXIT_OK if summary.ok else EXIT_SOME_FAILED)


@main.command("batch")
@click.argument("archives", nargs=-1, required=True, type=click.Path())
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Directory of the Parquet shards (one per archive).")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Run on this Dask scheduler (tcp://host:8786) instead of a local cluster.")
@click.option("--workers", type=click.IntRange(1, 1024), default=None,
              help="Worker processes of the local cluster (default: one per core).")
@handle_errors
def batch_command(archives: tuple[str, ...], out_dir: str, scheduler: str | None, workers: int | None) -> None:
    """Clean web archives in parallel on Dask: one Parquet shard per archive in --out.

    \b
    scraper batch warc/ --out shards/ --workers 2
    scraper batch /data/cc/*.warc.gz --out /data/shards --scheduler tcp://10.0.0.1:8786

    Shards already in --out are finished and skipped, so an interrupted batch is run
    again as is. Load the shards with `scraper merge shards/ --db store.db`.
    """
    from ..errors import ConfigError
    from ..scale.batch import batch_clean

    if scheduler and workers:
        raise ConfigError("--workers sizes the local cluster: give it or --scheduler, not both")

    def shown(result) -> None:
        click.echo(f"{terminal_line(result.shard)}: {result.rows} pages", err=True)

    summary = batch_clean(archives, out_dir, scheduler=scheduler, workers=workers, progress=shown)
    for archive, why in summary.failed.items():
        click.echo(f"error: {terminal_line(archive)}: {terminal_line(why)}", err=True)
    click.echo(f"batch: {len(summary.written)} shards written ({summary.rows} pages), "
               f"{len(summary.existing)} already done, {len(summary.failed)} failed", err=True)
    sys.exit(EXIT_OK if summary.ok else EXIT_SOME_FAILED)


@main.command("merge")
@click.argument("sources", nargs=-1, required=True, type=click.Path())
@db_option
@handle_errors
def merge_command(sources: tuple[str, ...], db: str | None) -> None:
    """Load Parquet shards (a directory of them, or files) and other stores into the store.

    \b
    scraper merge shards/ --db store.db
    scraper merge machine1.db machine2.db --db store.db

    One transaction; the latest fetch of each URL wins; the search index is built once.
    """
    from ..scale.merger import merge
    from ..store import Store

    with Store.open(resolve_db_path(db)) as store:
        summary = merge(sources, store)
    click.echo(f"merge run {summary.run_id}: {_counts(summary)}", err=True)
    # failed pages of a source store are merged as recorded failures: the merge itself is fine
    sys.exit(EXIT_OK if summary.status == "ok" else EXIT_SOME_FAILED)
