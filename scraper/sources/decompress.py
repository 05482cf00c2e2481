"""Bounded decompression of HTTP bodies (gzip, deflate, br, zstd) and .gz files.

Hand-written rather than httpx's decoders: those return everything a chunk inflates
to at once, so 100 KB of gzip could become 100 MB in memory before any check. Here
each decoder hands out at most OUT_CHUNK bytes at a time to `emit`, which raises as
soon as a limit is passed, so a decompression bomb stops at the limit.
Generic (not crawl-specific); it lives here only because of who owns which file.
"""

from __future__ import annotations

import zlib
from typing import Any, Callable

import brotli
import zstandard

from ..errors import ContentEncodingError


Emit = Callable[[bytes], None]
OUT_CHUNK = 64 * 1024


class _ZlibDecoder:
    """gzip (incl. multi-member) and deflate (zlib-wrapped or raw, as servers send it)."""

    def __init__(self, name: str, url: str):
        self.name, self.url = name, url
        self._wbits = 16 + zlib.MAX_WBITS if name == "gzip" else zlib.MAX_WBITS
        self._obj = zlib.decompressobj(self._wbits)
        self._started = False

    def feed(self, data: bytes, emit: Emit) -> None:
        while data:
            try:
                out = self._obj.decompress(data, OUT_CHUNK)
            except zlib.error as exc:
                if self.name == "deflate" and not self._started and self._wbits > 0:
                    self._wbits = -zlib.MAX_WBITS  # raw deflate without the zlib header
                    self._obj = zlib.decompressobj(self._wbits)
                    continue
                raise ContentEncodingError(f"body is not valid {self.name} data: {exc}", self.url) from None
            self._started = True
            if out:
                emit(out)
            if self._obj.eof:
                data = self._obj.unused_data
                if self.name != "gzip" or not data.strip(b"\0"):
                    return
                self._obj = zlib.decompressobj(self._wbits)  # next gzip member
            else:
                data = self._obj.unconsumed_tail

    def flush(self, emit: Emit) -> None:
        out = self._obj.flush()  # a truncated stream keeps what it had, as browsers do
        if out:
            emit(out)


class _BrotliDecoder:
    def __init__(self, url: str):
        self.url = url
        self._obj = brotli.Decompressor()

    def feed(self, data: bytes, emit: Emit) -> None:
        try:
            out = self._obj.process(data, output_buffer_limit=OUT_CHUNK)
            while True:
                if out:
                    emit(out)
                if self._obj.can_accept_more_data():
                    return
                out = self._obj.process(b"", output_buffer_limit=OUT_CHUNK)
        except brotli.error as exc:
            raise ContentEncodingError(f"body is not valid br data: {exc}", self.url) from None

    def flush(self, emit: Emit) -> None:
        pass


class _ZstdDecoder:
    """zstandard's stream_writer pushes OUT_CHUNK-sized pieces into write(), i.e. `emit`."""

    def __init__(self, url: str):
        self.url = url
        self._emit: Emit | None = None
        self._writer = zstandard.ZstdDecompressor().stream_writer(
            self, write_size=OUT_CHUNK, write_return_read=True, closefd=False
        )

    def write(self, data: bytes) -> int:
        assert self._emit is not None
        self._emit(bytes(data))
        return len(data)

    def feed(self, data: bytes, emit: Emit) -> None:
        self._emit = emit
        try:
            self._writer.write(data)
        except zstandard.ZstdError as exc:
            raise ContentEncodingError(f"body is not valid zstd data: {exc}", self.url) from None

    def flush(self, emit: Emit) -> None:
        pass


class _Chain:
    """`Content-Encoding: gzip, br` was applied left to right, so it is undone right to left."""

    def __init__(self, decoders: list[Any]):
        self._decoders = decoders

    def _feed_from(self, i: int, data: bytes, emit: Emit) -> None:
        if i == len(self._decoders):
            emit(data)
        else:
            self._decoders[i].feed(data, lambda out: self._feed_from(i + 1, out, emit))

    def feed(self, data: bytes, emit: Emit) -> None:
        self._feed_from(0, data, emit)

    def flush(self, emit: Emit) -> None:
        for i, decoder in enumerate(self._decoders):
            decoder.flush(lambda out, i=i: self._feed_from(i + 1, out, emit))


def make_decoder(content_encoding: str | None, url: str = "") -> _Chain | None:
    """A bounded decoder for a Content-Encoding header value; None for identity."""
    names = [n.strip().lower() for n in (content_encoding or "").split(",")]
    names = [n for n in names if n and n != "identity"]
    decoders: list[Any] = []
    for name in reversed(names):
        name = {"x-gzip": "gzip"}.get(name, name)
        if name in ("gzip", "deflate"):
            decoders.append(_ZlibDecoder(name, url))
        elif name == "br":
            decoders.append(_BrotliDecoder(url))
        elif name == "zstd":
            decoders.append(_ZstdDecoder(url))
        else:
            raise ContentEncodingError(f"unsupported content-encoding {name!r}", url)
    return _Chain(decoders) if decoders else None


def gunzip_bounded(data: bytes, max_bytes: int, what: str = "file") -> bytes:
    """Decompress a whole .gz payload, refusing (ResponseTooLargeError) past max_bytes."""
    from ..errors import ResponseTooLargeError

    parts: list[bytes] = []
    total = 0

    def take(chunk: bytes) -> None:
        nonlocal total
        total += len(chunk)
        if total > max_bytes:
            raise ResponseTooLargeError(f"{what} too large: more than {max_bytes} bytes after decompression")
        parts.append(chunk)

    decoder = _ZlibDecoder("gzip", "")
    decoder.feed(data, take)
    decoder.flush(take)
    return b"".join(parts)
