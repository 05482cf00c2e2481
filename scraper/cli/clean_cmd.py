"""`scraper clean URL|FILE|DIR|- ...`: clean pages and print them (optionally store them)."""

from __future__ import annotations

import asyncio
import json
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Iterator

import click

from .. import sources
from ..crawl.pool import DEFAULT_CPU_LIMIT
from ..crawl.work import CleanFailure, clean_job
from ..errors import ScraperError
from ..models import CleanConfig, Decoded, Document, Fetched, PageRecord
from ..sources.http import fetch_url_async
from .app import EXIT_OK, EXIT_SOME_FAILED, db_option, handle_errors, main, resolve_db_path

FORMATS = ("text", "json", "markdown")


def render(doc: Document, fmt: str) -> str:
    """A document as the user asked to see it."""
    if fmt == "json":
        return json.dumps(doc.to_dict(), ensure_ascii=False)
    if fmt == "markdown":
        head = [f"# {doc.title}"] if doc.title else []
        facts = " · ".join(x for x in (doc.date, doc.source, doc.author) if x)
        if facts:
            head.append(f"*{facts}*")
        return "\n\n".join(head + doc.paragraphs)
    return doc.text


def _expand(inputs: tuple[str, ...]) -> Iterator[str]:
    for arg in inputs:
        if arg != "-" and not sources.is_url(arg) and Path(arg).is_dir():
            found = list(sources.files_in(arg))
            if not found:
                click.echo(f"warning: {arg}: no HTML files in this directory", err=True)
            yield from (str(p) for p in found)
        else:
            yield arg


async def _fetch(arg: str, url: str | None) -> Fetched:
    if arg == "-":
        return sources.read_stdin(url=url)
    if sources.is_url(arg):
        return await fetch_url_async(arg)
    return sources.read_file(arg, url=url)


class _Saver:
    """Stores what `clean --save` cleans, as one `clean` run in the runs table.

    Every input counts: one that could not even be read or fetched has no page row,
    but its failure is in the run's counters; the run is `failed` if any input failed.
    """

    def __init__(self, db: str | None):
        from ..store import Store  # imported here: most clean runs do not touch the store

        self.store = Store.open(resolve_db_path(db))
        self.run_id = self.store.start_run("clean")
        self.failures: Counter[str] = Counter()

    def saved(self, fetched: Fetched, doc: Document) -> None:
        decoded = Decoded("", doc.encoding or "utf-8", doc.encoding_source or "default")
        self.store.save(PageRecord.from_fetched(fetched, decoded, kind="article"), doc, run_id=self.run_id)

    def failed(self, fetched: Fetched | None, error_type: str, message: str) -> None:
        """Keep the page and why it failed; an earlier good document for the URL stays.

        The body of a page over the CPU limit is not kept: reextract, which cleans in
        its own process, would meet it again."""
        self.failures[error_type] += 1
        if fetched is not None:
            record = PageRecord.from_fetched(fetched, error=f"{error_type}: {message}")
            if error_type == "TooSlowError":
                record = replace(record, body=None)
            self.store.save(record, None, run_id=self.run_id)

    def close(self, status: str) -> None:
        try:
            counts = {"failed": sum(self.failures.values()), "failed_by_reason": dict(self.failures)}
            self.store.finish_run(self.run_id, status, counts)
        finally:
            self.store.close()


class _Cleaner:
    """Cleans each input in a worker process under a CPU limit (none with limit 0)."""

    def __init__(self, config: CleanConfig, fmt: str, time_limit: float, saver: _Saver | None, many: bool):
        self.config, self.fmt, self.saver, self.many = config, fmt, saver, many
        self.time_limit = time_limit
        self.failed = 0
        self.shown = 0

    async def run(self, args: list[str], url: str | None) -> None:
        from ..crawl.pool import TooSlowError, WorkerPool

        with WorkerPool(1 if self.time_limit else 0, cpu_limit=self.time_limit or None, fork=True) as pool:
            for arg in args:
                try:
                    fetched = await _fetch(arg, url)
                except ScraperError as exc:
                    self._fail(arg, None, type(exc).__name__, str(exc))
                    continue
                try:
                    result = await pool.run(clean_job, fetched.body, fetched.final_url or fetched.url,
                                            fetched.content_type, self.config)
                except TooSlowError as exc:
                    result = CleanFailure("TooSlowError", f"too slow: {exc}", "too_slow")
                if isinstance(result, CleanFailure):
                    self._fail(arg, fetched, result.error_type, result.message)
                else:
                    self._show(arg, fetched, result)

    def _fail(self, arg: str, fetched: Fetched | None, error_type: str, message: str) -> None:
        self.failed += 1
        click.echo(f"error: {arg}: {message}", err=True)
        if self.saver:
            self.saver.failed(fetched, error_type, message)

    def _show(self, arg: str, fetched: Fetched, doc: Document) -> None:
        if self.saver:
            self.saver.saved(fetched, doc)
        if self.fmt == "text" and self.many:
            click.echo(f"{'' if self.shown == 0 else chr(10)}==> {arg} <==")
        self.shown += 1
        click.echo(render(doc, self.fmt))


@main.command("clean")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True, help="Output format (json: one object per line).")
@click.option("--url", default=None, help="The page's URL, for a FILE or stdin (used for dates and metadata).")
@click.option("--selector", default=None, help="CSS selector of the body, overriding detection.")
@click.option("--save", is_flag=True, help="Also store each cleaned page in the SQLite store.")
@click.option("--time-limit", type=click.FloatRange(min=0, max=3600), default=DEFAULT_CPU_LIMIT, show_default=True,
              help="CPU seconds one input may take; a page over it is stopped and reported (0: no limit).")
@db_option
@handle_errors
def clean_command(inputs: tuple[str, ...], fmt: str, url: str | None, selector: str | None, save: bool,
                  time_limit: float, db: str | None) -> None:
    """Clean pages and print their text: URLs, files, directories of .html files, or - for stdin.

    Every input is processed; each failure is reported on stderr and the exit code is 1
    if any failed (2 for a usage error). Each page is cleaned in a worker process that
    is stopped if it uses more than --time-limit seconds of CPU.
    """
    config = CleanConfig(body_selector=selector)
    args = list(_expand(inputs))
    saver = _Saver(db) if save else None
    cleaner = _Cleaner(config, fmt, time_limit, saver, many=len(args) > 1)
    status = "interrupted"
    try:
        asyncio.run(cleaner.run(args, url))
        status = "failed" if cleaner.failed else "ok"
    finally:
        if saver:
            saver.close(status)
    if cleaner.failed:
        click.echo(f"{cleaner.failed} of {len(args)} inputs failed", err=True)
    sys.exit(EXIT_SOME_FAILED if cleaner.failed else EXIT_OK)
