"""`scraper clean URL|FILE|DIR|- ...`: clean pages and print them (optionally store them).

Many inputs: `-i LIST` (one a line), `-j N` (worker processes; output keeps the input
order), `-o DIR` (one file per input). Each input is cleaned in a worker process under
a CPU limit (`--time-limit`), so a hostile page cannot hang the command. The work is
`scraper.clean_many`; this module only parses options and writes the results.
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import click

from ..errors import ConfigError, InputError
from ..models import CleanConfig, Decoded, PageRecord, RenderOptions
from ..formats import FORMATS
from ..terminal import safe_json, terminal_line, terminal_safe
from .app import EXIT_OK, EXIT_SOME_FAILED, TEXT, db_option, handle_errors, main, resolve_db_path

if TYPE_CHECKING:
    from ..many import Cleaned
    from ..models import Document, Fetched

DEFAULT_TIME_LIMIT = 60.0  # = crawl.pool.DEFAULT_CPU_LIMIT (not imported: --help stays light)


def render(doc: Document, fmt: str, options: RenderOptions | None = None, *, indent: int | None = None) -> str:
    """A document as the user asked to see it (web text: control characters made visible)."""
    from ..formats import document_dict, render as render_doc

    if fmt == "json":
        return safe_json(document_dict(doc, options or RenderOptions()), indent=indent)
    return terminal_safe(render_doc(doc, fmt, options))


def _expand(inputs: tuple[str, ...]) -> Iterator[str]:
    from ..sources.inputs import expand_inputs

    return expand_inputs(inputs, warn=lambda message: click.echo(f"warning: {terminal_line(message)}", err=True))


def _describe(arg: str, message: str) -> str:
    """One line naming the input once (file errors already start with the path)."""
    return terminal_line(message if message.startswith(arg) else f"{arg}: {message}")


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


class _Output:
    """Where results go: stdout (text with ==> headers, JSON Lines, Markdown) or one file each."""

    def __init__(self, fmt: str, out_dir: str | None, args: list[str], url: str | None,
                 options: RenderOptions | None = None):
        self.fmt, self.several, self.written = fmt, len(args) > 1, 0
        self.options = options
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
            click.echo(render(doc, self.fmt, self.options))
            return
        body = render(doc, self.fmt, self.options, indent=2)
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


def _time_limit(ctx: click.Context, param: click.Parameter, value: float) -> float | None:
    """--time-limit: 0 is no limit (with -j 1 the command cleans in its own process)."""
    if value == 0:
        return None
    from ..crawl.bounds import cpu_limit

    try:
        return cpu_limit(value, value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


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
              help="Output format: text, markdown, html (a clean page), json (with the typed blocks; "
                   "one object per line, JSON Lines) or xml (TEI, like trafilatura's).")
@click.option("--links", is_flag=True, help="Keep link targets (Markdown, HTML, XML, JSON).")
@click.option("--images", is_flag=True, help="Keep images with their source and caption (Markdown, HTML, XML, JSON).")
@click.option("--no-tables", "no_tables", is_flag=True, help="Drop tables from the output (every format).")
@click.option("--url", type=TEXT, default=None, help="The page's URL, for a FILE or stdin (used for dates and metadata).")
@click.option("--selector", type=TEXT, default=None, help="CSS selector of the body, overriding detection.")
@click.option("--save", is_flag=True, help="Also store each cleaned page in the SQLite store.")
@click.option("--time-limit", type=float, default=DEFAULT_TIME_LIMIT, show_default=True, callback=_time_limit,
              help="CPU seconds one input may take (0.1 to 3600); a page over it is stopped and "
                   "reported as too slow (0: no limit).")
@db_option
@handle_errors
def clean_command(inputs: tuple[str, ...], input_list: str | None, jobs: int, out_dir: str | None, fmt: str,
                  links: bool, images: bool, no_tables: bool, url: str | None, selector: str | None, save: bool,
                  time_limit: float | None, db: str | None) -> None:
    """Clean pages and print their text: URLs, files, directories of .html files, or - for stdin.

    \b
    scraper clean page.html --format markdown --links --images
    scraper clean -i urls.txt -j 4 -o out/ --format json

    Every input is processed; each failure is reported on stderr and the exit code is 1
    if any failed (2 for a usage error). Each page is cleaned in a worker process that
    is stopped if it uses more than --time-limit seconds of CPU.
    """
    from ..many import clean_many

    config = CleanConfig(body_selector=selector)
    args = _inputs(inputs, input_list)
    output = _Output(fmt, out_dir, args, url, RenderOptions(links=links, images=images, tables=not no_tables))
    saver = _Saver(db) if save else None
    failed, status = 0, "interrupted"
    try:
        results = clean_many(args, url=url, config=config, workers=_workers(jobs), keep_fetched=save,
                             time_limit=time_limit)
        for n, result in enumerate(results):
            if not result.ok:
                failed += 1
                _report_failure(result, saver)
                continue
            if saver:
                saver.saved(result.fetched, result.document)
            output.write(n, result.input, result.document)
        status = "failed" if failed else "ok"
    except KeyboardInterrupt:
        raise
    except BaseException:
        status = "failed"  # the command itself failed (an unwritable -o file, a full disk)
        raise
    finally:
        if saver:
            saver.close(status)
    if output.dir is not None:
        click.echo(f"wrote {output.written} files to {terminal_line(output.dir)}", err=True)
    if failed:
        click.echo(f"{failed} of {len(args)} inputs failed", err=True)
    sys.exit(EXIT_SOME_FAILED if failed else EXIT_OK)


def _report_failure(result: Cleaned, saver: _Saver | None) -> None:
    click.echo(f"error: {_describe(result.input, result.error or 'failed')}", err=True)
    if saver:
        saver.failed(result.fetched, result.error_type or "ScraperError", result.error or "failed")
