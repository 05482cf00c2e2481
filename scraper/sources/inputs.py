"""What the user typed as an input (a URL, a file, a directory, `-`) and reading it.

One place decides what an argument means, so `scraper clean`, `clean -i LIST` and
`scraper.clean_many` agree, and a typo gets a message that says what was meant:
`ftp://...` is an unsupported scheme (not a file called "ftp:"), `www.example.com`
with no such file suggests `http://www.example.com`. A web archive (.warc[.gz],
.arc[.gz]) stands for the HTML pages it holds: `expand_inputs` lists them as
`ArchivedPage`s, each read back from its offset (scraper/warc/records.py).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Literal
from urllib.parse import unquote, urlsplit

from ..errors import InputError
from ..models import Fetched
from .files import files_in, read_file, read_stdin

InputKind = Literal["url", "file", "stdin", "archive"]
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):(//)?")
# A host name typed without its scheme: www.x.cn, x.gov.cn/a.html (a path after a
# dotted first segment). A bare "page.html" is a file name, not a host.
_HOSTLIKE = re.compile(r"^(www\d?\.[^/\s]+|[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}(:\d+)?/\S*)$", re.I)
_FILE_SUFFIXES = re.compile(r"\.(s?html?|xhtml|aspx?|php|jsp|txt|gz|warc|xml|json)$", re.I)


@dataclass(frozen=True)
class Input:
    """One input as understood: `arg` as typed, `location` the URL or path to read."""

    arg: str
    kind: InputKind
    location: str
    offset: int | None = None  # archive: where its record starts


class ArchivedPage(str):
    """One page of a web archive as an input: its text is the page's URL (what the user
    sees in output and errors); `path` and `offset` say where the record is."""

    path: str
    offset: int

    def __new__(cls, url: str, path: str, offset: int) -> "ArchivedPage":
        page = super().__new__(cls, url)
        page.path, page.offset = path, offset
        return page

    def __reduce__(self):
        return ArchivedPage, (str(self), self.path, self.offset)


def resolve_input(arg: str) -> Input:
    """Classify one argument; raise InputError for what cannot be read at all."""
    if isinstance(arg, ArchivedPage):
        return Input(arg, "archive", arg.path, arg.offset)
    if arg == "-":
        return Input(arg, "stdin", "-")
    scheme = _SCHEME.match(arg)
    if scheme and len(scheme.group(1)) > 1:  # one letter: a Windows drive (C:\\...)
        name = scheme.group(1).lower()
        if name in ("http", "https"):
            if not urlsplit(arg).hostname:
                raise InputError(f"{arg}: not a valid URL (no host name)")
            return Input(arg, "url", arg)
        if name == "file":
            return Input(arg, "file", unquote(urlsplit(arg).path))
        if scheme.group(2):
            raise InputError(f"{arg}: unsupported URL scheme {name!r}: give an http:// or https:// URL, "
                             "a file, a directory or - for stdin")
    return Input(arg, "file", arg)


def missing_hint(arg: str) -> str:
    """' (did you mean http://ARG?)' when a missing file looks like a host name."""
    if _HOSTLIKE.match(arg) and not (_FILE_SUFFIXES.search(arg) and "/" not in arg):
        return f" (did you mean http://{arg}?)"
    return ""


def read_input(inp: Input, *, url: str | None = None) -> Fetched:
    """The bytes of one input as `Fetched` (HTTP for URLs: sources.http, imported on use)."""
    if inp.kind == "stdin":
        return read_stdin(url=url)
    if inp.kind == "archive":
        return _read_archived(inp)
    if inp.kind == "url":
        from .http import fetch_url  # httpx costs ~0.1 s to import: only when a URL is given

        return fetch_url(inp.location)
    try:
        return read_file(inp.location, url=url)
    except InputError as exc:
        if not Path(inp.location).exists():
            raise InputError(f"{exc}{missing_hint(inp.arg)}") from None
        raise


def _read_archived(inp: Input) -> Fetched:
    from ..warc.records import WarcPage, read_page_at

    item = read_page_at(inp.location, inp.offset or 0)
    if not isinstance(item, WarcPage):
        raise InputError(f"{inp.location} at offset {inp.offset}: {item.message}")
    return item.fetched


def archive_pages(path: str, warn=None) -> Iterator[ArchivedPage]:
    """The HTML pages of a WARC/ARC file; what was skipped is summed up in one warning."""
    from ..warc.records import ReadCounts, WarcPage, iter_archive

    counts = ReadCounts()
    for item in iter_archive(path):
        counts.add(item)
        if isinstance(item, WarcPage):
            yield ArchivedPage(item.fetched.url or path, path, item.offset)
        elif warn and item.reason in ("truncated", "unreadable"):
            warn(f"{path}: {item.message}")
    if warn and (counts.skipped or not counts.pages):
        reasons = ", ".join(f"{n} {why}" for why, n in sorted(counts.skipped.items()))
        warn(f"{path}: {counts.pages} HTML pages" + (f"; records skipped: {reasons}" if reasons else ""))


def expand_inputs(args: Iterable[str], warn=None) -> Iterator[str]:
    """Arguments with directories replaced by their HTML files (sorted) and web archives
    by their HTML pages; others as given."""
    from ..warc.records import is_archive_path

    for arg in args:
        inp = None
        try:
            inp = resolve_input(arg)
        except InputError:
            pass
        if inp is not None and inp.kind == "file" and is_archive_path(inp.location) and Path(inp.location).is_file():
            yield from archive_pages(inp.location, warn)
        elif inp is not None and inp.kind == "file" and Path(inp.location).is_dir():
            found = [str(p) for p in files_in(inp.location)]
            if not found and warn:
                warn(f"{arg}: no HTML files in this directory")
            yield from found
        else:
            yield arg


def read_input_list(source: str) -> list[str]:
    """Inputs listed one a line in a file (or `-`: stdin); blank lines and # comments skipped."""
    try:
        if source == "-":
            text = sys.stdin.read()
        else:
            text = Path(source).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{source}: no such file (the list of inputs given with -i)") from None
    except UnicodeDecodeError:
        raise InputError(f"{source}: the list of inputs is not UTF-8 text") from None
    except OSError as exc:
        raise InputError(f"{source}: cannot read: {exc.strerror or exc}") from None
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]
