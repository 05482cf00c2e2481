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
from ..terminal import terminal_safe

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


class Text(click.ParamType):
    """A string argument that is real text: bytes that are not UTF-8 (`--site $'\\xff'`)
    arrive as lone surrogates, which SQLite and the terminal cannot take."""

    name = "text"

    def convert(self, value, param, ctx):
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                self.fail(f"not valid UTF-8 text: {os.fsencode(value)!r}", param, ctx)
        return value


TEXT = Text()


def fail(message: str, code: int = EXIT_SOME_FAILED) -> None:
    click.echo(f"error: {terminal_safe(message)}", err=True)
    sys.exit(code)


def _stdout_to_devnull() -> None:
    """After a failed write to stdout, point it at /dev/null so the interpreter's final
    flush does not fail again (and print "Exception ignored ...")."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # no real stdout (tests): nothing to redirect
        pass


def _os_message(exc: OSError) -> str:
    reason = exc.strerror or str(exc)
    return f"{exc.filename}: {reason}" if exc.filename else f"cannot write the output: {reason}"


def handle_errors(func: F) -> F:
    """Turn expected errors into one-line messages and exit codes, never tracebacks.

    stdout is flushed inside the handlers, so a full disk (`> /dev/full`) or a
    vanished output file is reported like any other error.
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            try:
                return func(*args, **kwargs)
            finally:
                if sys.stdout is not None and not sys.stdout.closed:
                    sys.stdout.flush()
        except ConfigError as exc:
            fail(str(exc), EXIT_USAGE)
        except ScraperError as exc:
            fail(str(exc), EXIT_SOME_FAILED)
        except KeyboardInterrupt:
            fail("interrupted", 130)
        except BrokenPipeError:
            _stdout_to_devnull()
            sys.stderr.close()
            sys.exit(EXIT_OK)
        except OSError as exc:
            _stdout_to_devnull()
            fail(_os_message(exc), EXIT_SOME_FAILED)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="scraper")  # not package_name: no metadata lookup at start
def main() -> None:
    """Fetch, decode and clean web pages; store and search them in SQLite."""
