"""The `scraper` click group and the helpers every command shares.

Commands live in sibling modules (clean_cmd, store_cmds, crawl_cmd) and register
themselves on `main`; this module holds no command logic.
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path
from typing import Callable, TypeVar

import click

from .. import __version__
from ..errors import ConfigError, ScraperError

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2
DEFAULT_DB = Path("store") / "scraper.db"

F = TypeVar("F", bound=Callable)


def resolve_db_path(db: str | None) -> Path:
    """--db wins, then $SCRAPER_DB, then store/scraper.db under the working directory."""
    return Path(db or os.environ.get("SCRAPER_DB") or DEFAULT_DB)


db_option = click.option(
    "--db",
    "db",
    type=click.Path(dir_okay=False),
    default=None,
    help="SQLite store (default: $SCRAPER_DB or store/scraper.db).",
)


def fail(message: str, code: int = EXIT_SOME_FAILED) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def handle_errors(func: F) -> F:
    """Turn expected errors into one-line messages and exit codes, never tracebacks."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except ConfigError as exc:
            fail(str(exc), EXIT_USAGE)
        except ScraperError as exc:
            fail(str(exc), EXIT_SOME_FAILED)
        except KeyboardInterrupt:
            fail("interrupted", 130)
        except BrokenPipeError:
            sys.stderr.close()
            sys.exit(EXIT_OK)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="scraper")  # not package_name: no metadata lookup at start
def main() -> None:
    """Fetch, decode and clean web pages; store and search them in SQLite."""
