"""`scraper clean URL|FILE|DIR|- ...`: clean pages and print them (optionally store them).

Many inputs: `-i LIST` (one a line), `-j N` (worker processes; output keeps the input
order), `-o DIR` (one file per input). The work is `scraper.clean_many`; this module
only parses options and writes the results.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import click

from ..errors import ConfigError, InputError
from ..models import CleanConfig, Decoded, PageRecord
from ..terminal import safe_json, terminal_line, terminal_safe
from .app import EXIT_OK, EXIT_SOME_FAILED, TEXT, db_option, handle_errors, main, resolve_db_path

if TYPE_CHECKING:
    from ..many import Cleaned
    from ..models import Document, Fetched

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
    from ..sources.inputs import expand_inputs

    return expand_inputs(inputs, warn=lambda message: click.echo(f"warning: {terminal_line(message)}", err=True))


def _describe(arg: str, message: str) -> str:
    """One line naming the input once (file errors already start with the path)."""
    return terminal_line(message if message.startswith(arg) else f"{arg}: {message}")


class _Saver:
    """Stores what `clean --save` cleans, as one `clean` run in the runs table."""

    def __init__(self, db: str | None):
        from ..store import Store  # imported here: most clean runs do not touch the store

        self.store = Store.open(resolve_db_path(db))
        self.run_id = self.store.start_run("clean")

    def saved(self, fetched: Fetched, doc: Document) -> None:
        decoded = Decoded("", doc.encoding or "utf-8", doc.encoding_source or "default")
        self.store.save(PageRecord.from_fetched(fetched, decoded, kind="article"), doc, run_id=self.run_id)

    def failed(self, fetched: Fetched, error: str) -> None:
        """Keep the page and why it failed; an earlier good document for the URL stays."""
        self.store.save(PageRecord.from_fetched(fetched, error=error), None, run_id=self.run_id)

    def close(self) -> None:
        self.store.finish_run(self.run_id, "ok")
        self.store.close()


class _Output:
    """Where results go: stdout (text with ==> headers, JSON Lines, Markdown) or one file each."""

    def __init__(self, fmt: str, out_dir: str | None, args: list[str], url: str | None):
        self.fmt, self.several, self.written = fmt, len(args) > 1, 0
        self.dir = Path(out_dir) if out_dir else None
        self.names: dict[int, str] = {}
        if self.dir is not None:
            from ..many import output_name, unique_names

            try:
                self.dir.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ConfigError(f"-o {out_dir}: cannot create the directory: {exc.strerror or exc}") from None
            self.names = dict(enumerate(unique_names(output_name(a, fmt, url) for a in args)))

    def write(self, n: int, arg: str, doc: Document) -> None:
        if self.dir is None:
            if self.fmt == "text" and self.several:
                click.echo(f"{'' if n == 0 else chr(10)}==> {terminal_line(arg)} <==")
            click.echo(render(doc, self.fmt))
            return
        body = safe_json(doc.to_dict(), indent=2) if self.fmt == "json" else render(doc, self.fmt)
        path = self.dir / self.names[n]
        try:
            path.write_text(body + "\n", encoding="utf-8")
        except OSError as exc:
            raise InputError(f"{path}: cannot write: {exc.strerror or exc}") from None
        self.written += 1


def _inputs(inputs: tuple[str, ...], input_list: str | None) -> list[str]:
    listed = []
    if input_list is not None:
        from ..sources.inputs import read_input_list

        try:
            listed = read_input_list(input_list)
        except InputError as exc:
            raise ConfigError(str(exc)) from None
        if input_list == "-" and "-" in inputs:
            raise ConfigError("-i - reads the list of inputs from stdin, so - cannot also be an input")
    args = list(_expand(tuple(listed) + inputs))
    if not args:
        raise ConfigError("no inputs: give URLs, files, directories or - (stdin), or -i LIST"
                          + (f" ({input_list} lists none)" if input_list else ""))
    return args


def _workers(jobs: int) -> int:
    if jobs == 0:
        from ..crawl.pool import default_workers

        return default_workers()
    return jobs


@main.command("clean")
@click.argument("inputs", nargs=-1)
@click.option("-i", "--input-list", "input_list", metavar="FILE", default=None,
              help="Read inputs from FILE, one URL or path a line (- for stdin; # comments).")
@click.option("-j", "--jobs", type=click.IntRange(0, 256), default=1, show_default=True,
              help="Clean N inputs at once in worker processes (0: one per core); output keeps the input order.")
@click.option("-o", "--output-dir", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Write one file per input into DIR, named from its URL or path.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Output format (json: one object per line, JSON Lines).")
@click.option("--url", type=TEXT, default=None, help="The page's URL, for a FILE or stdin (used for dates and metadata).")
@click.option("--selector", type=TEXT, default=None, help="CSS selector of the body, overriding detection.")
@click.option("--save", is_flag=True, help="Also store each cleaned page in the SQLite store.")
@db_option
@handle_errors
def clean_command(inputs: tuple[str, ...], input_list: str | None, jobs: int, out_dir: str | None, fmt: str,
                  url: str | None, selector: str | None, save: bool, db: str | None) -> None:
    """Clean pages and print their text: URLs, files, directories of .html files, or - for stdin.

    \b
    scraper clean page.html --format markdown
    scraper clean -i urls.txt -j 4 -o out/ --format json

    Every input is processed; each failure is reported on stderr and the exit code is 1
    if any failed (2 for a usage error).
    """
    from ..many import clean_many

    config = CleanConfig(body_selector=selector)
    args = _inputs(inputs, input_list)
    output = _Output(fmt, out_dir, args, url)
    saver = _Saver(db) if save else None
    failed = 0
    try:
        results = clean_many(args, url=url, config=config, workers=_workers(jobs), keep_fetched=save)
        for n, result in enumerate(results):
            if not result.ok:
                failed += 1
                _report_failure(result, saver)
                continue
            if saver:
                saver.saved(result.fetched, result.document)
            output.write(n, result.input, result.document)
    finally:
        if saver:
            saver.close()
    if output.dir is not None:
        click.echo(f"wrote {output.written} files to {terminal_line(output.dir)}", err=True)
    if failed:
        click.echo(f"{failed} of {len(args)} inputs failed", err=True)
    sys.exit(EXIT_SOME_FAILED if failed else EXIT_OK)


def _report_failure(result: Cleaned, saver: _Saver | None) -> None:
    click.echo(f"error: {_describe(result.input, result.error or 'failed')}", err=True)
    if saver and result.fetched is not None:
        saver.failed(result.fetched, f"{result.error_type}: {result.error}")
