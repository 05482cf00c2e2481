"""Web archives written by hand with warcio, the way other tools write them.

wget (`--warc-file`) keeps the HTTP message as it came off the wire: chunked
transfer coding, a gzip Content-Encoding, no WARC-Identified-Payload-Type.
Browsertrix writes WARC/1.1 with revisit records for unchanged pages. A killed
writer leaves a last record cut short. These builders make each of those.
"""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "fixtures" / "pages"


def fixture(name: str) -> tuple[bytes, dict]:
    """The raw bytes of a fixture page and its expected JSON."""
    return (PAGES / f"{name}.html").read_bytes(), json.loads((PAGES / f"{name}.json").read_text(encoding="utf-8"))


def chunked(body: bytes, size: int = 1000) -> bytes:
    out = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + size]), body[i:i + size]) for i in range(0, len(body), size))
    return out + b"0\r\n\r\n"


class Archive:
    """Records appended to one file (gzip per record unless `gzip=False`)."""

    def __init__(self, path: Path, *, gzip: bool = True, version: str = "1.0"):
        self.path = path
        self.fh = open(path, "wb")
        self.writer = WARCWriter(self.fh, gzip=gzip, warc_version=version)

    def response(self, url: str, payload: bytes, headers: list[tuple[str, str]], *, status: str = "200 OK",
                 date: str = "2024-05-19T08:00:00Z", payload_type: str | None = None) -> None:
        warc = {"WARC-Date": date}
        if payload_type:
            warc["WARC-Identified-Payload-Type"] = payload_type
        http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
        self.writer.write_record(self.writer.create_warc_record(url, "response", payload=io.BytesIO(payload),
                                                                http_headers=http, warc_headers_dict=warc))

    def page(self, url: str, body: bytes, content_type: str = "text/html", **kw) -> None:
        self.response(url, body, [("Content-Type", content_type), ("Content-Length", str(len(body)))], **kw)

    def chunked_gzip(self, url: str, body: bytes, content_type: str) -> None:
        """As wget stores it: the wire bytes, gzip-encoded and chunked, headers saying so."""
        self.response(url, chunked(gzip.compress(body)), [("Content-Type", content_type),
                                                          ("Content-Encoding", "gzip"),
                                                          ("Transfer-Encoding", "chunked")])

    def request(self, url: str) -> None:
        http = StatusAndHeaders("GET / HTTP/1.1", [("Host", url.split("/")[2])], is_http_request=True)
        self.writer.write_record(self.writer.create_warc_record(url, "request", payload=io.BytesIO(b""),
                                                                http_headers=http))

    def revisit(self, url: str, refers_to: str = "2024-05-18T08:00:00Z") -> None:
        http = StatusAndHeaders("304 Not Modified", [("ETag", '"x"')], protocol="HTTP/1.1")
        record = self.writer.create_revisit_record(url, "sha1:AAAA", url, refers_to, http_headers=http)
        self.writer.write_record(record)

    def metadata(self, url: str) -> None:
        self.writer.write_record(self.writer.create_warc_record(
            url, "metadata", payload=io.BytesIO(b"outlink: http://x/"), warc_content_type="application/warc-fields"))

    def close(self, cut: int = 0) -> Path:
        """Close the file; `cut` bytes off its end (a writer killed mid-record)."""
        self.fh.close()
        if cut:
            data = self.path.read_bytes()
            self.path.write_bytes(data[:-cut])
        return self.path


def arc_file(path: Path, records: list[tuple[str, str, bytes]], *, compress: bool = False) -> Path:
    """An ARC v1 file (Heritrix and the Internet Archive before WARC): (url, content type, body)."""
    version = b"1 0 scraper-tests\nURL IP-address Archive-date Content-type Archive-length\n"
    parts = [b"filedesc://%s 0.0.0.0 20240519080000 text/plain %d\n%s\n" % (path.name.encode(), len(version), version)]
    for url, ctype, body in records:
        http = b"HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n%s" % (ctype.encode(), len(body), body)
        parts.append(b"%s 127.0.0.1 20240519080000 %s %d\n%s\n" % (url.encode(), ctype.split(";")[0].encode(),
                                                                   len(http), http))
    data = b"".join(gzip.compress(p) for p in parts) if compress else b"".join(parts)
    path.write_bytes(data)
    return path
