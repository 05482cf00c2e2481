"""Store commands: search, show, changes, runs, export, stats, reextract, datasette-metadata.

Each is a thin shell over one `scraper.store.Store` method (store/README.md shows
both); the only logic here is argument parsing and formatting for a terminal.
Everything printed that came from the web goes through `scraper.terminal` first.
The store package (sqlite-utils, numpy) is imported when a command runs, so
`scraper --help` stays fast.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, Iterator

import click

from ..errors import QueryError
from ..terminal import safe_json, terminal_line, terminal_safe
from .app import EXIT_SOME_FAILED, EXIT_USAGE, TEXT, db_option, fail, handle_errors, main, resolve_db_path

if TYPE_CHECKING:
    from ..store import Store
    from ..store.records import Change, Entry, Run, SearchHit

SINCE_HELP = "2024-05-19, 2024-05-19T08:00, or an age: 1w, 1d, 12h, 1h30m"


def _open(db: str | None, *, readonly: bool = True) -> Store:
    """Read commands open the store read-only: nothing is written, a read-only mount works."""
    from ..store import Store

    return Store.open(resolve_db_path(db), create=False, readonly=readonly)


def _json(data: Any) -> None:
    click.echo(safe_json(data, indent=2, default=str))


def _styled(text: str, spans: tuple[tuple[int, int], ...], color: bool) -> str:
    """Highlights marked in colour (or [brackets]); every piece made terminal-safe first
    (one by one: the spans index the raw text)."""
    out, pos = [], 0
    for start, end in spans:
        piece = terminal_line(text[start:end])
        out += [terminal_line(text[pos:start]), click.style(piece, fg="red", bold=True) if color else f"[{piece}]"]
        pos = end
    return "".join(out) + terminal_line(text[pos:])


def _print_hit(n: int, hit: SearchHit, color: bool) -> None:
    title = _styled(hit.title or "(no title)", hit.title_highlights, color)
    meta = terminal_line(" · ".join(x for x in (hit.date, hit.site, hit.source) if x))
    click.echo(f"{n}. {title}" + (f"  ({meta})" if meta else ""))
    click.echo(f"   {terminal_line(hit.url)}")
    click.echo(f"   {_styled(hit.snippet, hit.highlights, color)}")


# ignore_unknown_options: a query word such as -境外 (exclude) is not an option. A word
# that is one of search's own options (--site, -h) still is: put `--` before the query.
@main.command(context_settings={"ignore_unknown_options": True})
@click.argument("query", nargs=-1, required=True, type=TEXT)
@click.option("--site", type=TEXT, help="Only this site (host) and its subdomains.")
@click.option("--since", type=TEXT, help="Published on or after this date (YYYY-MM-DD, or an age: 30d, 12h, 1w).")
@click.option("--until", type=TEXT, help="Published on or before this date (YYYY-MM-DD, or an age).")
@click.option("--lang", type=TEXT, help="Only this language (zh matches zh-CN too).")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@click.option("--offset", type=click.IntRange(0), default=0, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with the hits.")
@db_option
@handle_errors
def search(query, site, since, until, lang, limit, offset, as_json, db) -> None:
    """Full-text search of stored documents (Chinese or English).

    Words are ANDed; "a phrase" in quotes, OR between terms, -word excludes.

    \b
    scraper search 疫情防控 --site www.gov.cn --since 2022-01-01
    scraper search '"COVID 疫情" OR 新冠 -境外'
    scraper search 疫情 -境外 --since 1w
    scraper search -- -境外 疫情
    """
    text = " ".join(query)
    filters = dict(site=site, since=since, until=until, lang=lang)
    with _open(db) as store:
        try:
            hits = store.search(text, limit=limit, offset=offset, **filters)
            total = store.count(text, **filters)
        except QueryError as exc:
            fail(str(exc), EXIT_USAGE)
    if as_json:
        _json({"query": text, "total": total, "offset": offset, "limit": limit,
               "hits": [h.to_dict() for h in hits]})
        return
    color = sys.stdout.isatty()
    for n, hit in enumerate(hits, start=offset + 1):
        _print_hit(n, hit, color)
    shown = f"{offset + 1}-{offset + len(hits)} of {total}" if hits else f"0 of {total}"
    click.echo(f"{shown} results for {terminal_line(repr(text))}", err=True)


def _kind_line(page) -> str | None:
    """`kind: article (main text of ...)`: the crawler's decision and its evidence."""
    if not page.kind:
        return None
    return f"kind: {terminal_line(page.kind)}" + (f" ({terminal_line(page.kind_reason)})" if page.kind_reason else "")


def _print_entry(entry: Entry) -> None:
    doc, page = entry.document, entry.page
    if doc is not None:
        click.echo(terminal_line(doc.title or "(no title)"))
        for label, value in (("url", page.url), ("date", doc.date), ("source", doc.source),
                             ("author", doc.author), ("editor", doc.editor), ("site", entry.site),
                             ("lang", doc.lang), ("fetched", page.fetched_at),
                             ("changed", entry.last_changed)):
            if value:
                click.echo(f"{label}: {terminal_line(value)}")
        if _kind_line(page):
            click.echo(_kind_line(page))
        click.echo("")
        click.echo(terminal_safe(doc.text))
        return
    for label, value in (("url", page.url), ("site", entry.site), ("status", page.status),
                         ("fetched", page.fetched_at)):
        click.echo(f"{label}: {terminal_line(value)}")
    if _kind_line(page):
        click.echo(_kind_line(page))
    if page.error:
        click.echo(f"error: {terminal_line(page.error)}")
    elif page.kind == "list":
        click.echo("(no document: a list page, crawled for its links)")
    else:
        click.echo("(no document: the page held no main content)")


@main.command()
@click.argument("url", type=TEXT)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@db_option
@handle_errors
def show(url, fmt, db) -> None:
    """Print one stored document (or the stored error of a failed page)."""
    with _open(db) as store:
        entry = store.get(url, body=False)
    if entry is None:
        fail(f"nothing stored for {url}", EXIT_SOME_FAILED)  # fail() makes it terminal-safe
    if fmt == "json":
        _json(entry.to_dict())
    else:
        _print_entry(entry)


def _print_diff(c: Change, color: bool) -> None:
    if c.kind == "new":
        click.echo(f"  (new document, {c.new_length} characters)")
        return
    diff = c.diff()
    if not diff:
        click.echo("  (previous text not kept: changed before this store kept texts, or the text changed again)")
        return
    for line in diff.splitlines():
        style = {"+": "green", "-": "red", "@": "cyan"}.get(line[:1]) if color else None
        click.echo(click.style(terminal_line(line), fg=style) if style else terminal_line(line))


@main.command()
@click.option("--since", type=TEXT, help=f"Only changes at or after this time ({SINCE_HELP}).")
@click.option("--site", type=TEXT, help="Only this site.")
@click.option("--diff", "show_diff", is_flag=True, help="Show what changed: a unified diff of each changed text.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines (with --diff: a diff field).")
@db_option
@handle_errors
def changes(since, site, show_diff, as_json, db) -> None:
    """List documents that are new or whose text changed.

    \b
    scraper changes --since 1d
    scraper changes --since 1w --site www.gov.cn --diff
    """
    with _open(db) as store:
        try:
            rows = store.changes(since, site=site, texts=show_diff)
        except QueryError as exc:
            fail(str(exc), EXIT_USAGE)
    color = sys.stdout.isatty()
    for c in rows:
        if as_json:
            data = {k: v for k, v in c.to_dict().items() if k not in ("old_text", "new_text")}
            if show_diff:
                data["diff"] = c.diff()
            click.echo(safe_json(data))
            continue
        click.echo(f"{c.changed_at}  {c.kind:<7}  {terminal_line(c.url)}  {terminal_line(c.title or '')}")
        if show_diff:
            _print_diff(c, color)


def _run_line(r: Run) -> str:
    reasons = ", ".join(f"{k} {v}" for k, v in sorted(r.failed_by_reason.items()))
    return terminal_line(f"#{r.id:<4} {r.kind:<9} {r.status:<11} {r.started_at}  {r.finished_at or '-':<20}  "
                         f"{r.fetched:>6} {r.new:>5} {r.changed:>7} {r.unchanged:>9} {r.failed:>6}"
                         + (f"  ({reasons})" if reasons else ""))


@main.command()
@click.option("--limit", type=click.IntRange(1, 10000), default=20, show_default=True)
@click.option("--kind", type=click.Choice(["crawl", "clean", "reextract", "import", "merge"]), help="Only runs of this kind.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines.")
@db_option
@handle_errors
def runs(limit, kind, as_json, db) -> None:
    """Recent crawl, clean and reextract runs with their counts, newest first."""
    with _open(db) as store:
        found = store.runs(limit, kind=kind)
    if as_json:
        for r in found:
            click.echo(safe_json(r.to_dict(), default=str))
        return
    click.echo(f"{'run':<5} {'kind':<9} {'status':<11} {'started':<20}  {'finished':<20}  "
               f"{'pages':>6} {'new':>5} {'changed':>7} {'unchanged':>9} {'failed':>6}")
    for r in found:
        click.echo(_run_line(r))
    if not found:
        click.echo("(no runs yet)", err=True)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
@click.option("--since", type=TEXT, help=f"Only documents new or changed since then ({SINCE_HELP}).")
@click.option("--site", type=TEXT, help="Only this site.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file instead of stdout.")
@db_option
@handle_errors
def export(fmt, since, site, output, db) -> None:
    """Stream stored documents as JSON Lines or CSV (constant memory)."""
    from ..store import export as _export

    with _open(db) as store:
        try:
            if output is None and fmt == "csv" and sys.stdout.isatty():
                n = _export.write(_on_terminal(store.iter_documents(since=since, site=site)), sys.stdout, fmt)
            else:
                n = store.export(output or sys.stdout, format=fmt, since=since, site=site)
        except QueryError as exc:
            fail(str(exc), EXIT_USAGE)
        except OSError as exc:
            fail(f"cannot write {output or 'the output'}: {exc.strerror or exc}")
    click.echo(f"exported {n} documents" + (f" to {terminal_line(output)}" if output else ""), err=True)


def _on_terminal(rows: Iterator[dict]) -> Iterator[dict]:
    """CSV rows shown on a terminal rather than saved: control characters made visible
    (JSON Lines escapes them in every case, as \\u escapes of the same value)."""
    for row in rows:
        yield {k: terminal_safe(v) if isinstance(v, str) else v for k, v in row.items()}


@main.command()
@click.option("--json", "as_json", is_flag=True)
@db_option
@handle_errors
def stats(as_json, db) -> None:
    """Counts: pages, documents, sites, runs, errors; per site."""
    with _open(db) as store:
        s = store.stats()
    if as_json:
        _json(s.to_dict())
        return
    click.echo(f"store:     {terminal_line(s.path)} (schema v{s.schema_version}, {s.size_bytes / 1e6:.1f} MB)")
    for label in ("pages", "documents", "sites", "runs", "errors", "changes"):
        click.echo(f"{label + ':':<10} {getattr(s, label)}")
    if s.last_run:
        r = s.last_run
        click.echo(f"last run:  #{r.id} {r.kind} {r.status} {r.started_at} "
                   f"(new {r.new}, changed {r.changed}, failed {r.failed})")
    for site in s.by_site[:20]:
        click.echo(f"  {terminal_line(site.site):<32} {site.documents:>7} docs {site.pages:>7} pages {site.errors:>5} errors")


@main.command()
@click.option("--site", type=TEXT, help="Only pages of this site.")
@click.option("--batch-size", type=click.IntRange(1, 10000), default=200, show_default=True)
@db_option
@handle_errors
def reextract(site, batch_size, db) -> None:
    """Re-clean every stored raw body with the current extractor (no refetch)."""
    from .. import __version__, clean

    with _open(db, readonly=False) as store:
        r = store.reextract(clean, site=site, extractor_version=__version__, batch_size=batch_size)
    click.echo(f"reextracted {r.total} pages (run #{r.run_id}): {r.new} new, {r.changed} changed "
               f"({r.text_changed} with new text), {r.unchanged} unchanged, {r.failed} failed")
    for reason, n in sorted(r.failed_by_reason.items()):
        click.echo(f"  {terminal_line(reason)}: {n}", err=True)
    if r.failed:
        sys.exit(EXIT_SOME_FAILED)


@main.command("datasette-metadata")
@db_option
def datasette_metadata_cmd(db) -> None:
    """Print Datasette metadata with a Chinese-aware `search` canned query.

    \b
    scraper datasette-metadata > metadata.json
    datasette store/scraper.db -m metadata.json
    """
    from ..store import datasette_metadata

    _json(datasette_metadata(resolve_db_path(db).stem))
