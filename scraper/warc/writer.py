"""Writing what a crawl fetched as WARC/1.1: each response with its request.

Files are named by run and sequence, `scraper-20240519080000-run12-00000.warc.gz`, and
rotated at about 1 GB. Every record is its own gzip member, built in memory and
written with one `write()`: a kill can only lose the record being written. The file
being written is `NAME.warc.gz.open` and holds a `flock`; it is renamed when closed.
A file left `.open` by a killed writer (its lock free) is cut back to its last
complete record and renamed by the next writer that opens the directory, so the
directory never holds a half-valid archive for long and the next run starts a new file.

What is recorded, per HTTP exchange (redirect hops, retries and robots.txt included):
a `request` record (the headers we sent) and, concurrent to it, a `response` record
with the HTTP headers as the server sent them and the body as read, or a `revisit`
record (profile server-not-modified) for a 304. The body is kept as decoded from its
Content-Encoding (what the store keeps as the raw body), so that header is moved to
`X-Scraper-Content-Encoding`, Transfer-Encoding dropped and Content-Length set to the
payload's length. `WARC-Identified-Payload-Type` comes from our own sniffing.
"""

from __future__ import annotations

import fcntl
import http
import io
import logging
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Mapping
from urllib.parse import urlsplit

from ..errors import ConfigError
from ..models import Fetched

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 1_000_000_000
OPEN_SUFFIX = ".open"
REVISIT_NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
_DROPPED = frozenset({"transfer-encoding", "content-length", "content-encoding"})
_KIND_TYPES = {"html": "text/html", "xml": "application/xml", "text": "text/plain", "pdf": "application/pdf",
               "empty": "application/x-empty"}


def identified_type(body: bytes, content_type: str | None) -> str:
    """The payload's MIME type as our sniffing sees it (the server's label when it agrees)."""
    from ..decode.sniff import classify

    kind = classify(body, content_type)[0]
    label = (content_type or "").split(";", 1)[0].strip().lower()
    if kind in ("image", "audio", "video", "archive", "office", "binary"):
        return label if label and not label.startswith(("text/", "application/xhtml")) else "application/octet-stream"
    return _KIND_TYPES.get(kind, "application/octet-stream")


def _warc_date(fetched_at: str | None) -> str:
    if fetched_at:
        try:
            moment = datetime.fromisoformat(fetched_at.replace("Z", "+00:00"))
            return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        except ValueError:
            pass
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _response_headers(fetched: Fetched) -> list[tuple[str, str]]:
    headers = [(k, v) for k, v in fetched.headers.items() if k.lower() not in _DROPPED]
    encoding = fetched.headers.get("content-encoding")
    if encoding:
        headers.append(("X-Scraper-Content-Encoding", encoding))
    if fetched.status != 304:
        headers.append(("Content-Length", str(len(fetched.body))))
    return headers


def _status_line(status: int) -> str:
    try:
        return f"{status} {http.HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


class WarcWriter:
    """Appends request/response pairs of one crawl run to rotating `.warc.gz` files.

    `record(url, request_headers, fetched)` per HTTP exchange; `close()` at the end
    of the run (a writer left unclosed is recovered by the next one)."""

    def __init__(self, directory: str | Path, run_id: int, *, max_bytes: int = DEFAULT_MAX_BYTES,
                 prefix: str = "scraper"):
        self.directory = Path(directory)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(f"WARC directory {directory}: cannot create it: {exc.strerror or exc}") from None
        self.run_id, self.max_bytes, self.prefix = run_id, max_bytes, prefix
        self.stamp = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S")
        self.sequence = 0
        self.records = 0
        self.files: list[Path] = []
        self._fh: io.BufferedWriter | None = None
        self._path: Path | None = None
        recover_directory(self.directory)

    # --- files --------------------------------------------------------------------------

    def _name(self) -> str:
        return f"{self.prefix}-{self.stamp}-run{self.run_id}-{self.sequence:05d}.warc.gz"

    def _open(self) -> io.BufferedWriter:
        if self._fh is None:
            while (self.directory / self._name()).exists() or (self.directory / (self._name() + OPEN_SUFFIX)).exists():
                self.sequence += 1
            self._path = self.directory / (self._name() + OPEN_SUFFIX)
            self._fh = open(self._path, "xb", buffering=0)
            fcntl.flock(self._fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            self._fh.write(self._warcinfo())
        return self._fh

    def _rotate_if_full(self) -> None:
        if self._fh is not None and self._fh.tell() >= self.max_bytes:
            self._close_file()
            self.sequence += 1

    def _close_file(self) -> None:
        if self._fh is None or self._path is None:
            return
        os.fsync(self._fh.fileno())
        final = self._path.with_name(self._path.name.removesuffix(OPEN_SUFFIX))
        os.replace(self._path, final)
        self._fh.close()  # the lock goes with it, after the rename
        self.files.append(final)
        self._fh = self._path = None

    def close(self) -> None:
        self._close_file()

    def __enter__(self) -> "WarcWriter":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- records ------------------------------------------------------------------------

    def _warcinfo(self) -> bytes:
        from warcio.warcwriter import WARCWriter

        from .. import __version__

        buf = io.BytesIO()
        writer = WARCWriter(buf, gzip=True, warc_version="1.1")
        info = {"software": f"scraper/{__version__}", "format": "WARC File Format 1.1",
                "isPartOf": f"scraper crawl run {self.run_id}"}
        writer.write_record(writer.create_warcinfo_record(self._name(), info))
        return buf.getvalue()

    def record(self, url: str, request_headers: Mapping[str, str], fetched: Fetched) -> None:
        """One HTTP exchange: its request and its response (or revisit, for a 304)."""
        from warcio.statusandheaders import StatusAndHeaders
        from warcio.warcwriter import WARCWriter

        buf = io.BytesIO()
        writer = WARCWriter(buf, gzip=True, warc_version="1.1")
        date = _warc_date(fetched.fetched_at)
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        sent = [("Host", parts.netloc), *request_headers.items()]
        request = writer.create_warc_record(
            url, "request", payload=io.BytesIO(b""), warc_headers_dict={"WARC-Date": date},
            http_headers=StatusAndHeaders(f"GET {target} HTTP/1.1", sent, is_http_request=True))
        http_headers = StatusAndHeaders(_status_line(fetched.status), _response_headers(fetched), protocol="HTTP/1.1")
        if fetched.status == 304:
            response = writer.create_warc_record(
                url, "revisit", payload=io.BytesIO(b""), http_headers=http_headers,
                warc_headers_dict={"WARC-Date": date, "WARC-Profile": REVISIT_NOT_MODIFIED,
                                   "WARC-Refers-To-Target-URI": url})
        else:
            response = writer.create_warc_record(
                url, "response", payload=io.BytesIO(fetched.body), http_headers=http_headers,
                warc_headers_dict={"WARC-Date": date,
                                   "WARC-Identified-Payload-Type": identified_type(fetched.body, fetched.content_type)})
        writer.write_request_response_pair(request, response)
        self._open().write(buf.getvalue())  # one write: whole records or nothing
        self.records += 1
        self._rotate_if_full()


def last_complete_offset(path: Path) -> int:
    """Where the last complete record of a (possibly cut) WARC file ends."""
    from warcio.archiveiterator import ArchiveIterator

    end = 0
    with open(path, "rb") as fh:
        records = ArchiveIterator(fh)
        try:
            for record in records:
                record.content_stream().read()
                if getattr(record.raw_stream, "limit", 0) > 0:
                    break
                records.read_to_end(record)
                end = records.get_record_offset() + records.get_record_length()
        except Exception:  # noqa: BLE001 - a cut or damaged tail: keep what came before it
            pass
    return end


def recover_directory(directory: Path) -> list[Path]:
    """Finish the `.open` files of writers that died: cut at the last complete record, rename."""
    done = []
    for path in sorted(directory.glob(f"*.warc.gz{OPEN_SUFFIX}")):
        try:
            with open(path, "r+b") as fh:
                try:
                    fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # a live writer's file
                fh.truncate(last_complete_offset(path))
                final = path.with_name(path.name.removesuffix(OPEN_SUFFIX))
                os.replace(path, final)
                done.append(final)
                log.warning("WARC file %s of a run that did not finish: kept up to its last complete record", final)
        except OSError as exc:
            log.warning("cannot recover the WARC file %s: %s", path, exc)
    return done
