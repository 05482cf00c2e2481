"""Raw page bodies are kept compressed so `reextract` can re-clean without refetching.

zstd (level 1) is the default: on the fixture pages it runs ~6x faster than zlib
level 6 (≈430 vs 67 MB/s) for a 10% larger result (2.58x vs 2.87x smaller; zstd
level 3 gives 2.67x at 330 MB/s), and compression time is on the save path of every
page (tests/benchmarks/bench_store.py prints zlib and zstd). The codec is stored per row, so rows written with another stay readable.
"""

from __future__ import annotations

import threading
import zlib

import zstandard

from ..errors import StoreError

DEFAULT_CODEC = "zstd"
_ZSTD_LEVEL = 1
_local = threading.local()  # a zstd (de)compressor must not be used by two threads at once (bulk.py)


def _zstd() -> tuple[zstandard.ZstdCompressor, zstandard.ZstdDecompressor]:
    pair = getattr(_local, "zstd", None)
    if pair is None:
        pair = _local.zstd = (zstandard.ZstdCompressor(level=_ZSTD_LEVEL), zstandard.ZstdDecompressor())
    return pair


def compress(body: bytes, codec: str = DEFAULT_CODEC) -> bytes:
    if codec == "zstd":
        return _zstd()[0].compress(body)
    if codec == "zlib":
        return zlib.compress(body, 6)
    if codec == "none":
        return body
    raise StoreError(f"unknown body codec {codec!r}")


def decompress(blob: bytes | None, codec: str | None) -> bytes | None:
    if blob is None:
        return None
    if codec == "zstd":
        return _zstd()[1].decompress(blob)
    if codec == "zlib":
        return zlib.decompress(blob)
    if codec in (None, "none"):
        return bytes(blob)
    raise StoreError(f"unknown body codec {codec!r} (written by a newer scraper?)")
