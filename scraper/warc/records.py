"""Reading web archives: WARC and ARC files, gzip or plain, record by record.

warcio reads them (not FastWARC, though it installs here: it does not read ARC, does
not undo chunked or gzip transfer/content encodings, and reading is under 2% of the
time of cleaning a record either way; tests/benchmarks/bench_batch.py measures both).

Only an HTTP response whose payload is HTML becomes a page: decided by the HTTP
Content-Type and our own sniffing (`decode.sniff.classify`), never by a tool's
`WARC-Identified-Payload-Type` or libmagic, which call many real pages
`application/javascript`. Everything else is skipped with a reason (`Skipped`):
request, metadata and warcinfo records, revisits (no payload), non-2xx statuses,
non-HTML payloads, a record cut short (a killed writer's last record), a file that is
unreadable from some offset on. Nothing here raises for bad archive content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO, Iterator

from ..errors import InputError
from ..models import Fetched

WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
DEFAULT_MAX_PAYLOAD = 64 * 1024 * 1024  # = CleanConfig.max_input_bytes
_STATUS = re.compile(r"^\s*(?:HTTP/\d(?:\.\d)?\s+)?(\d{3})\b")


@dataclass(frozen=True)
class WarcPage:
    """One HTTP response with an HTML payload: `fetched.url` is its WARC-Target-URI,
    `fetched.fetched_at` its WARC-Date (UTC, `YYYY-MM-DDTHH:MM:SSZ`), `fetched.headers`
    the HTTP headers (lower-case names, the Content-Type charset among them)."""

    path: str
    offset: int
    fetched: Fetched
    record_id: str | None = None


@dataclass(frozen=True)
class Skipped:
    """A record that is not a page to clean, and why (`reason` is a short label)."""

    path: str
    offset: int
    reason: str  # not_response | revisit | http_404 | not_html | too_large | truncated | unreadable | ...
    message: str
    url: str | None = None


@dataclass
class ReadCounts:
    """What reading one or more archives met, for summaries and run rows."""

    pages: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    def add(self, item: WarcPage | Skipped) -> None:
        if isinstance(item, WarcPage):
            self.pages += 1
        elif item.reason != "not_response":  # request, metadata, warcinfo: not pages at all
            self.skipped[item.reason] = self.skipped.get(item.reason, 0) + 1


def is_archive_path(path: str | Path) -> bool:
    """A WARC or ARC file by its name (.warc, .warc.gz, .arc, .arc.gz)."""
    return str(path).lower().endswith(WARC_SUFFIXES)


def warc_date(value: str | None) -> str | None:
    """WARC-Date (ISO 8601, maybe fractional) or an ARC 14-digit date -> `YYYY-MM-DDTHH:MM:SSZ`."""
    if not value:
        return None
    value = value.strip()
    try:
        if value.isdigit() and len(value) >= 14:
            moment = datetime.strptime(value[:14], "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)
        else:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=timezone.utc)
    except ValueError:
        return None
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _open(path: str | Path) -> BinaryIO:
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a WARC file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None


def iter_archive(path: str | Path, *, max_payload: int = DEFAULT_MAX_PAYLOAD,
                 start: int | None = None, limit: int | None = None) -> Iterator[WarcPage | Skipped]:
    """Every record of a WARC/ARC file as a `WarcPage` or a `Skipped`, in file order.

    `start`: the offset of a record to begin at (from an earlier pass); `limit`: stop
    after that many records. An unreadable stretch ends the file with one `Skipped`
    (`unreadable`): what came before it stands.
    """
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    name = str(path)
    with _open(path) as fh:
        if start:
            fh.seek(start)
        else:
            problem = _not_an_archive(fh)
            if problem:
                yield Skipped(name, 0, "unreadable", f"not a WARC or ARC file: {problem}")
                return
        records = ArchiveIterator(fh, arc2warc=True)
        offset, seen = start or 0, 0
        while limit is None or seen < limit:
            try:
                record = next(records)
                offset = records.offset  # where this record starts (absolute, also after a seek)
                item = _item(name, offset, record, max_payload)
            except StopIteration:
                return
            except (ArchiveLoadFailed, OSError, EOFError, ValueError, IndexError) as exc:
                yield _unreadable(name, offset, exc)
                return
            except Exception as exc:  # noqa: BLE001 - zlib.error and friends: a damaged file, not a bug
                yield _unreadable(name, offset, exc)
                return
            seen += 1
            yield item


def read_page_at(path: str | Path, offset: int, *, max_payload: int = DEFAULT_MAX_PAYLOAD) -> WarcPage | Skipped:
    """The one record at `offset` (each gzip member of a .warc.gz starts a record)."""
    for item in iter_archive(path, max_payload=max_payload, start=offset, limit=1):
        return item
    return Skipped(str(path), offset, "unreadable", f"no record at offset {offset}")


def _not_an_archive(fh: BinaryIO) -> str | None:
    """Why the file cannot be a web archive (it must start as WARC/ or ARC's filedesc://), or None."""
    import zlib

    head = fh.read(4096)
    fh.seek(0)
    if head.startswith(b"\x1f\x8b"):
        try:
            head = zlib.decompressobj(31).decompress(head, 64)
        except zlib.error as exc:
            return f"damaged gzip data ({exc})"
    if head.lstrip(b"\r\n").startswith((b"WARC/", b"filedesc://")):
        return None
    if not head:
        return "the file is empty"
    shown = "".join(chr(b) if 0x20 <= b < 0x7F else f"\\x{b:02x}" for b in head[:16])
    return f"it starts with {shown}"


def _unreadable(name: str, offset: int, exc: BaseException) -> Skipped:
    why = str(exc).strip() or type(exc).__name__
    return Skipped(name, offset, "unreadable",
                   f"unreadable from offset {offset} on ({type(exc).__name__}: {why[:200]}); the rest is skipped")


def _item(name: str, offset: int, record, max_payload: int) -> WarcPage | Skipped:
    headers = record.rec_headers
    url = headers.get_header("WARC-Target-URI") or None
    kind = record.rec_type
    if kind == "revisit":
        refers = headers.get_header("WARC-Refers-To-Target-URI") or url
        return Skipped(name, offset, "revisit", f"revisit record: no payload (the page is unchanged since {refers})",
                       url)
    if kind != "response" or record.http_headers is None or not _is_http(url):
        return Skipped(name, offset, "not_response", f"{kind} record", url)
    status = _status(record.http_headers.statusline)
    if status is None or not 200 <= status < 300:
        return Skipped(name, offset, f"http_{status}" if status else "http_unknown",
                       f"HTTP {status or '?'} response: not a page", url)
    body = record.content_stream().read(max_payload + 1)
    if len(body) > max_payload:
        return Skipped(name, offset, "too_large", f"payload larger than {max_payload:,} bytes", url)
    if getattr(record.raw_stream, "limit", 0) > 0:  # the record ends before its Content-Length
        return Skipped(name, offset, "truncated", "record cut short (the file ends inside it)", url)
    http = {k.lower(): v for k, v in record.http_headers.headers}
    fetched = Fetched(url=url, body=body, final_url=url, status=status, headers=http,
                      fetched_at=warc_date(headers.get_header("WARC-Date")))
    verdict = html_verdict(body, http.get("content-type"))
    if verdict is not None:
        return Skipped(name, offset, "not_html", verdict, url)
    return WarcPage(name, offset, fetched, headers.get_header("WARC-Record-ID"))


def _is_http(url: str | None) -> bool:
    return bool(url) and url.lower().startswith(("http://", "https://"))


def _status(statusline: str | None) -> int | None:
    match = _STATUS.match(statusline or "")
    return int(match.group(1)) if match else None


def html_verdict(body: bytes, content_type: str | None) -> str | None:
    """None if the payload is an HTML page, else why not ('looks like a PNG image ...').

    Our sniffing decides, with the HTTP Content-Type as its hint: a body that starts
    as an HTML document is HTML whatever its label; XML, plain text, JSON and
    binaries are not pages to clean."""
    from ..decode.sniff import classify

    kind, description = classify(body, content_type)
    if kind == "html":
        return None
    label = (content_type or "no Content-Type").split(";", 1)[0].strip()
    return f"not an HTML page: looks like {description} ({label})"


def content_type_of(item: WarcPage) -> str | None:
    return item.fetched.content_type
