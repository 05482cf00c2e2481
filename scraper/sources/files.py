"""Where page bytes come from besides HTTP: files, directories and stdin.

Every source yields `Fetched`, the one thing the rest of the pipeline consumes. Files
are read as bytes (never decoded here) so the charset logic sees what a server would
have sent.
"""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO, Iterator

from ..errors import InputError, InputTooLargeError
from ..models import Fetched

HTML_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml", ".asp", ".aspx", ".php", ".jsp")
DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024


def is_url(arg: str) -> bool:
    return arg.lower().startswith(("http://", "https://"))


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _read_limited(stream: BinaryIO, name: str, limit: int) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise InputTooLargeError(f"{name}: input too large: more than {limit:,} bytes")
    return data


def read_file(path: str | Path, *, url: str | None = None, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> Fetched:
    """One local file as `Fetched`; its URL is `url` if given, else the file:// URL."""
    p = Path(path)
    try:
        with p.open("rb") as fh:
            body = _read_limited(fh, str(p), max_bytes)
    except IsADirectoryError:
        raise InputError(f"{p}: is a directory (give the files, or the directory to `files_in`)") from None
    except FileNotFoundError:
        raise InputError(f"{p}: no such file") from None
    except PermissionError:
        raise InputError(f"{p}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{p}: cannot read: {exc.strerror or exc}") from None
    return Fetched(url=url or p.resolve().as_uri(), body=body, fetched_at=_now())


def read_stdin(*, url: str | None = None, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> Fetched:
    body = _read_limited(sys.stdin.buffer, "stdin", max_bytes)
    return Fetched(url=url or "stdin:", body=body, fetched_at=_now())


def files_in(directory: str | Path) -> Iterator[Path]:
    """HTML-looking files under a directory, in a stable order."""
    for p in sorted(Path(directory).rglob("*")):
        if p.is_file() and p.suffix.lower() in HTML_SUFFIXES:
            yield p
