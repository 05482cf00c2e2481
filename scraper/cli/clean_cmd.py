"""`scraper clean URL|FILE|DIR|- ...`: clean pages and print them (optionally store them)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterator

import click

from .. import sources
from ..errors import ScraperError
from ..sources.http import fetch_url
from ..models import CleanConfig, Decoded, Document, Fetched, PageRecord
from ..pipeline import clean
from ..terminal import safe_json, terminal_line, terminal_safe
from .app import EXIT_OK, EXIT_SOME_FAILED, TEXT, db_option, handle_errors, main, resolve_db_path

FORMATS = ("text", "json", "markdown")


def render(doc: Document, fmt: str) -> str:
    """A document as the user asked to see it (web text: control characters made visible)."""
    if fmt == "json":
        return safe_json(doc.to_dict())
    if fmt == "markdown":
        head = [f"# {terminal_line(doc.title)}"] if doc.title else []
        facts = terminal_line(" · ".join(x for x in (doc.date, doc.source, doc.author) if x))
        if facts:
            head.append(f"*{facts}*")
        return "\n\n".join(head + [terminal_safe(p) for p in doc.paragraphs])
    return terminal_safe(doc.text)


def _expand(inputs: tuple[str, ...]) -> Iterator[str]:
    for arg in inputs:
        if arg != "-" and not sources.is_url(arg) and Path(arg).is_dir():
            found = list(sources.files_in(arg))
            if not found:
                click.echo(f"warning: {terminal_line(arg)}: no HTML files in this directory", err=True)
            yield from (str(p) for p in found)
        else:
            yield arg


def _fetch(arg: str, url: str | None) -> Fetched:
    if arg == "-":
        return sources.read_stdin(url=url)
    if sources.is_url(arg):
        return fetch_url(arg)
    return sources.read_file(arg, url=url)


class _Saver:
    """Stores what `clean --save` cleans, as one `clean` run in the runs table."""

    def __init__(self, db: str | None):
        from ..store import Store  # imported here: most clean runs do not touch the store

        self.store = Store.open(resolve_db_path(db))
        self.run_id = self.store.start_run("clean")

    def saved(self, fetched: Fetched, doc: Document) -> None:
        decoded = Decoded("", doc.encoding or "utf-8", doc.encoding_source or "default")
        self.store.save(PageRecord.from_fetched(fetched, decoded, kind="article"), doc, run_id=self.run_id)

    def failed(self, fetched: Fetched, exc: ScraperError) -> None:
        """Keep the page and why it failed; an earlier good document for the URL stays."""
        self.store.save(PageRecord.from_fetched(fetched, error=f"{type(exc).__name__}: {exc}"), None, run_id=self.run_id)

    def close(self) -> None:
        self.store.finish_run(self.run_id, "ok")
        self.store.close()


@main.command("clean")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True, help="Output format (json: one object per line).")
@click.option("--url", type=TEXT, default=None, help="The page's URL, for a FILE or stdin (used for dates and metadata).")
@click.option("--selector", type=TEXT, default=None, help="CSS selector of the body, overriding detection.")
@click.option("--save", is_flag=True, help="Also store each cleaned page in the SQLite store.")
@db_option
@handle_errors
def clean_command(inputs: tuple[str, ...], fmt: str, url: str | None, selector: str | None, save: bool, db: str | None) -> None:
    """Clean pages and print their text: URLs, files, directories of .html files, or - for stdin.

    Every input is processed; each failure is reported on stderr and the exit code is 1
    if any failed (2 for a usage error).
    """
    config = CleanConfig(body_selector=selector)
    args = list(_expand(inputs))
    saver = _Saver(db) if save else None
    failed = 0
    try:
        for n, arg in enumerate(args):
            fetched = None
            try:
                fetched = _fetch(arg, url)
                doc = clean(fetched.body, fetched.final_url or fetched.url, content_type=fetched.content_type, config=config)
                if saver:
                    saver.saved(fetched, doc)
            except ScraperError as exc:
                failed += 1
                click.echo(f"error: {terminal_line(arg)}: {terminal_line(exc)}", err=True)
                if saver and fetched is not None:
                    saver.failed(fetched, exc)
                continue
            if fmt == "text" and len(args) > 1:
                click.echo(f"{'' if n == 0 else chr(10)}==> {terminal_line(arg)} <==")
            click.echo(render(doc, fmt))
    finally:
        if saver:
            saver.close()
    if failed:
        click.echo(f"{failed} of {len(args)} inputs failed", err=True)
    sys.exit(EXIT_SOME_FAILED if failed else EXIT_OK)
