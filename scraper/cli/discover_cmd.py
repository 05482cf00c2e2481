"""`scraper discover URL`: print the URLs a site's sitemaps and feeds list (pages unfetched).

The Python twin is `scraper.crawl.survey.discover(url)` (or `discover_async`).
"""

from __future__ import annotations

import sys

import click

from ..errors import ConfigError
from ..terminal import safe_json, terminal_line
from .app import EXIT_OK, EXIT_SOME_FAILED, TEXT, handle_errors, main


@main.command("discover")
@click.argument("url", type=TEXT)
@click.option("--json", "as_json", is_flag=True, help="JSON Lines: url, via (sitemap|feed), date, title, listing.")
@click.option("--delay", type=click.FloatRange(min=0), default=1.0, show_default=True,
              help="Seconds between two requests to the site (robots.txt Crawl-delay wins if larger).")
@click.option("--max-sitemaps", type=click.IntRange(min=1), default=50, show_default=True,
              help="Read at most N sitemap files (indexes included).")
@handle_errors
def discover_command(url: str, as_json: bool, delay: float, max_sitemaps: int) -> None:
    """List the URLs that URL's site announces in its sitemaps (robots.txt `Sitemap:`
    lines, else /sitemap.xml) and feeds (those its page links with rel=alternate, or
    URL itself if it is a feed), without fetching the pages. Nothing is requested
    outside URL's host: listings elsewhere are named in a warning, not read.

    \b
    scraper discover http://www.example.gov.cn/
    scraper discover http://www.example.gov.cn/ --json > listed.jsonl
    """
    import asyncio

    from ..crawl.survey import discover_async

    if not url.lower().startswith(("http://", "https://")):
        raise ConfigError(f"{url}: give an http:// or https:// URL")
    warnings = []

    def warn(message: str) -> None:
        warnings.append(message)
        click.echo(f"warning: {terminal_line(message)}", err=True)

    async def run() -> int:
        n = 0
        async for item in discover_async(url, delay=delay, max_sitemaps=max_sitemaps, warn=warn):
            n += 1
            if as_json:
                click.echo(safe_json(item.to_dict()))
            else:
                click.echo(terminal_line(item.url))
        return n

    count = asyncio.run(run())
    click.echo(f"{count} URLs listed" if count else "no sitemap or feed of this site lists any URL", err=True)
    sys.exit(EXIT_OK if count else EXIT_SOME_FAILED)
