"""Store commands: search, show, changes, export, stats, reextract, datasette-metadata.

Each is a thin shell over one `scraper.store.Store` method (store/README.md shows
both); the only logic here is argument parsing and formatting for a terminal.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from ..errors import QueryError
from ..store import Store, datasette_metadata
from ..store.records import Entry, SearchHit
from .app import EXIT_SOME_FAILED, EXIT_USAGE, db_option, fail, handle_errors, main, resolve_db_path


def _open(db: str | None) -> Store:
    return Store.open(resolve_db_path(db), create=False)


def _json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _styled(text: str, spans: tuple[tuple[int, int], ...], color: bool) -> str:
    out, pos = [], 0
    for start, end in spans:
        piece = text[start:end]
        out += [text[pos:start], click.style(piece, fg="red", bold=True) if color else f"[{piece}]"]
        pos = end
    return "".join(out) + text[pos:]


def _print_hit(n: int, hit: SearchHit, color: bool) -> None:
    title = _styled(hit.title or "(no title)", hit.title_highlights, color)
    meta = " · ".join(x for x in (hit.date, hit.site, hit.source) if x)
    click.echo(f"{n}. {title}" + (f"  ({meta})" if meta else ""))
    click.echo(f"   {hit.url}")
    click.echo(f"   {_styled(hit.snippet, hit.highlights, color)}")


@main.command()
@click.argument("query", nargs=-1, required=True)
@click.option("--site", help="Only this site (host) and its subdomains.")
@click.option("--since", help="Published on or after this date (YYYY-MM-DD or 30d).")
@click.option("--until", help="Published on or before this date (YYYY-MM-DD).")
@click.option("--lang", help="Only this language (zh matches zh-CN too).")
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
    click.echo(f"{shown} results for {text!r}", err=True)


def _kind_line(page) -> str | None:
    if not page.kind:
        return None
    return f"kind: {page.kind}" + (f" ({page.kind_reason})" if page.kind_reason else "")


def _print_entry(entry: Entry) -> None:
    doc, page = entry.document, entry.page
    if doc is not None:
        click.echo(doc.title or "(no title)")
        for label, value in (("url", page.url), ("date", doc.date), ("source", doc.source),
                             ("author", doc.author), ("editor", doc.editor), ("site", entry.site),
                             ("lang", doc.lang), ("fetched", page.fetched_at),
                             ("changed", entry.last_changed)):
            if value:
                click.echo(f"{label}: {value}")
        if _kind_line(page):
            click.echo(_kind_line(page))
        click.echo("")
        click.echo(doc.text)
        return
    click.echo(f"url: {page.url}\nsite: {entry.site}\nstatus: {page.status}\nfetched: {page.fetched_at}")
    if _kind_line(page):
        click.echo(_kind_line(page))
    if page.error:
        click.echo(f"error: {page.error}")
    elif page.kind == "list":
        click.echo("(no document: a list page, crawled for its links)")
    else:
        click.echo("(no document: the page held no main content)")


@main.command()
@click.argument("url")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@db_option
@handle_errors
def show(url, fmt, db) -> None:
    """Print one stored document (or the stored error of a failed page)."""
    with _open(db) as store:
        entry = store.get(url, body=False)
    if entry is None:
        fail(f"nothing stored for {url}", EXIT_SOME_FAILED)
    if fmt == "json":
        _json(entry.to_dict())
    else:
        _print_entry(entry)


@main.command()
@click.option("--since", help="Only changes at or after this time (2024-05-19, 2024-05-19T08:00, 1d, 12h).")
@click.option("--site", help="Only this site.")
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
            click.echo(json.dumps(c.to_dict(), ensure_ascii=False))
        else:
            click.echo(f"{c.changed_at}  {c.kind:<7}  {c.url}  {c.title or ''}")


@main.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
@click.option("--since", help="Only documents new or changed since (2024-05-19, 1d, ...).")
@click.option("--site", help="Only this site.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file instead of stdout.")
@db_option
@handle_errors
def export(fmt, since, site, output, db) -> None:
    """Stream stored documents as JSON Lines or CSV (constant memory)."""
    with _open(db) as store:
        try:
            n = store.export(output or sys.stdout, format=fmt, since=since, site=site)
        except QueryError as exc:
            fail(str(exc), EXIT_USAGE)
    click.echo(f"exported {n} documents" + (f" to {output}" if output else ""), err=True)


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
    click.echo(f"store:     {s.path} (schema v{s.schema_version}, {s.size_bytes / 1e6:.1f} MB)")
    for label in ("pages", "documents", "sites", "runs", "errors", "changes"):
        click.echo(f"{label + ':':<10} {getattr(s, label)}")
    if s.last_run:
        r = s.last_run
        click.echo(f"last run:  #{r.id} {r.kind} {r.status} {r.started_at} "
                   f"(new {r.new}, changed {r.changed}, failed {r.failed})")
    for site in s.by_site[:20]:
        click.echo(f"  {site.site:<32} {site.documents:>7} docs {site.pages:>7} pages {site.errors:>5} errors")


@main.command()
@click.option("--site", help="Only pages of this site.")
@click.option("--batch-size", type=click.IntRange(1, 10000), default=200, show_default=True)
@db_option
@handle_errors
def reextract(site, batch_size, db) -> None:
    """Re-clean every stored raw body with the current extractor (no refetch)."""
    from .. import __version__, clean

    with _open(db) as store:
        r = store.reextract(clean, site=site, extractor_version=__version__, batch_size=batch_size)
    click.echo(f"reextracted {r.total} pages (run #{r.run_id}): {r.new} new, {r.changed} changed "
               f"({r.text_changed} with new text), {r.unchanged} unchanged, {r.failed} failed")
    for reason, n in sorted(r.failed_by_reason.items()):
        click.echo(f"  {reason}: {n}", err=True)
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
