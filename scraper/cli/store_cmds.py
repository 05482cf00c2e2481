"""Store commands: search, show, changes, export, stats, reextract, datasette-metadata.

Each is a thin shell over one `scraper.store.Store` method (store/README.md shows
both); the only logic here is argument parsing and formatting for a terminal.
Everything printed that came from the web goes through `scraper.terminal` first.
"""

from __future__ import annotations

import sys
from typing import Any, Iterator

import click

from ..errors import QueryError
from ..store import Store, datasette_metadata
from ..store import export as _export
from ..store.records import Entry, SearchHit
from ..terminal import safe_json, terminal_line, terminal_safe
from .app import EXIT_SOME_FAILED, EXIT_USAGE, TEXT, db_option, fail, handle_errors, main, resolve_db_path


def _open(db: str | None, *, readonly: bool = True) -> Store:
    """Read commands open the store read-only: nothing is written, a read-only mount works."""
    return Store.open(resolve_db_path(db), create=False, readonly=readonly)


def _json(data: Any) -> None:
    click.echo(safe_json(data, indent=2, default=str))


def _styled(text: str, spans: tuple[tuple[int, int], ...], color: bool) -> str:
    """Highlights marked in colour (or [brackets]); every piece made terminal-safe first."""
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


@main.command()
@click.argument("query", nargs=-1, required=True, type=TEXT)
@click.option("--site", type=TEXT, help="Only this site (host) and its subdomains.")
@click.option("--since", type=TEXT, help="Published on or after this date (YYYY-MM-DD or 30d).")
@click.option("--until", type=TEXT, help="Published on or before this date (YYYY-MM-DD).")
@click.option("--lang", type=TEXT, help="Only this language (zh matches zh-CN too).")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@click.option("--offset", type=click.IntRange(0), default=0, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with the hits.")
@db_option
@handle_errors
def search(query, site, since, until, lang, limit, offset, as_json, db) -> None:
    """Full-text search of stored documents (Chinese or English).

    \b
    scraper search 疫情防控 --site www.gov.cn --since 2022-01-01
    scraper search '"COVID 疫情"' OR 新冠 -境外
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
        click.echo("")
        click.echo(terminal_safe(doc.text))
        return
    for label, value in (("url", page.url), ("site", entry.site), ("status", page.status),
                         ("fetched", page.fetched_at)):
        click.echo(f"{label}: {terminal_line(value)}")
    click.echo(f"error: {terminal_line(page.error)}" if page.error else "(no document: the page held no main content)")


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


@main.command()
@click.option("--since", type=TEXT, help="Only changes at or after this time (2024-05-19, 2024-05-19T08:00, 1d, 12h).")
@click.option("--site", type=TEXT, help="Only this site.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines.")
@db_option
@handle_errors
def changes(since, site, as_json, db) -> None:
    """List documents that are new or whose text changed."""
    with _open(db) as store:
        try:
            rows = store.changes(since, site=site)
        except QueryError as exc:
            fail(str(exc), EXIT_USAGE)
    for c in rows:
        if as_json:
            click.echo(safe_json(c.to_dict()))
        else:
            click.echo(f"{c.changed_at}  {c.kind:<7}  {terminal_line(c.url)}  {terminal_line(c.title or '')}")


@main.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
@click.option("--since", type=TEXT, help="Only documents new or changed since (2024-05-19, 1d, ...).")
@click.option("--site", type=TEXT, help="Only this site.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file instead of stdout.")
@db_option
@handle_errors
def export(fmt, since, site, output, db) -> None:
    """Stream stored documents as JSON Lines or CSV (constant memory)."""
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
    _json(datasette_metadata(resolve_db_path(db).stem))
