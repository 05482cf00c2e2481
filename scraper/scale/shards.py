"""Parquet shards: what `scraper batch` makes of one web archive (pyarrow, the `scale` extra).

One row per HTML page of the archive: the page facts the store keeps (URL, status,
headers, fetch time, charset, kind and why, error, the raw body), the document's
fields when it is an article, its MinHash signature, and where the record was in
the archive. What reading skipped is in the file's metadata (`scraper.skipped`).
Readable as is by DuckDB, Spark or pandas; `scraper merge` loads shards into a store.

A shard is written under a temporary name (`.NAME.PID.tmp`, beside it) in row groups
(memory stays flat however large the archive) and renamed when complete, so a shard
that exists is whole, and a killed task leaves only a temporary file.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Iterable, Iterator

from ..models import Document, PageRecord
from ..warc.ingest import Ingested

SUFFIX = ".parquet"
ROW_GROUP = 256
PAGE_FIELDS = ("url", "final_url", "status", "content_type", "etag", "last_modified", "fetched_at", "encoding",
               "encoding_source", "kind", "kind_reason", "error", "body")
DOC_FIELDS = ("title", "text", "date", "source", "author", "editor", "site_name", "lang", "canonical_url",
              "description", "page_type")


def schema():
    import pyarrow as pa

    text = pa.string()
    return pa.schema(
        [(f, pa.int32() if f == "status" else pa.binary() if f == "body" else text) for f in PAGE_FIELDS]
        + [("has_document", pa.bool_())]
        + [(f"doc_{f}", text) for f in DOC_FIELDS] + [("doc_encoding", text), ("doc_encoding_source", text)]
        + [("minhash", pa.binary()), ("archive", text), ("archive_offset", pa.int64())])


def shard_name(archive: str | Path) -> str:
    """`NAME-HASH.parquet`: the archive's name, and a hash of its absolute path (two
    machines' `run1-00000.warc.gz` do not collide)."""
    path = Path(archive)
    stem = path.name
    for suffix in (".gz", ".warc", ".arc"):
        stem = stem.removesuffix(suffix)
    digest = hashlib.sha1(str(path.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:10]
    return f"{stem}-{digest}{SUFFIX}"


def temporary(final: Path) -> Path:
    return final.with_name(f".{final.name}.{os.getpid()}.tmp")


def row_of(item: Ingested, archive: str, offset: int) -> dict:
    page, doc = item.page, item.document
    row = {f: getattr(page, f) for f in PAGE_FIELDS}
    row["has_document"] = doc is not None
    for f in DOC_FIELDS:
        row[f"doc_{f}"] = getattr(doc, f) if doc is not None else None
    row["doc_encoding"] = doc.encoding if doc is not None else None
    row["doc_encoding_source"] = doc.encoding_source if doc is not None else None
    row.update(minhash=item.minhash or None, archive=archive, archive_offset=offset)
    return row


def ingested_of(row: dict) -> Ingested:
    """A shard row back as the page and document the store takes."""
    page = PageRecord(**{f: row.get(f) for f in PAGE_FIELDS})
    doc = None
    if row.get("has_document"):
        doc = Document(url=row["url"], encoding=row.get("doc_encoding"),
                       encoding_source=row.get("doc_encoding_source"),
                       **{f: row.get(f"doc_{f}") for f in DOC_FIELDS})
    return Ingested(page, doc, row.get("minhash") or b"")


def write_shard(rows: Iterable[dict], final: Path, skipped: dict | None = None) -> int:
    """Write rows to `final` atomically (temporary file, then rename); return the row count.

    `skipped` may be filled while `rows` is consumed: it is read when the file closes."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    tmp = temporary(final)
    count, group = 0, []
    meta_skipped = skipped if skipped is not None else {}
    writer = pq.ParquetWriter(tmp, schema(), compression="zstd")
    try:
        for row in rows:
            group.append(row)
            if len(group) >= ROW_GROUP:
                writer.write_table(pa.Table.from_pylist(group, schema=schema()))
                count, group = count + len(group), []
        if group:
            writer.write_table(pa.Table.from_pylist(group, schema=schema()))
            count += len(group)
        writer.add_key_value_metadata({"scraper.skipped": json.dumps(meta_skipped)})
    except BaseException:
        writer.close()
        tmp.unlink(missing_ok=True)
        raise
    writer.close()
    os.replace(tmp, final)
    return count


def shard_skipped(path: Path) -> dict[str, int]:
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(path).metadata.metadata or {}
    return json.loads(meta.get(b"scraper.skipped", b"{}"))


def iter_rows(path: Path, columns: list[str] | None = None, batch_size: int = ROW_GROUP) -> Iterator[dict]:
    import pyarrow.parquet as pq

    for batch in pq.ParquetFile(path).iter_batches(batch_size=batch_size, columns=columns):
        yield from batch.to_pylist()


def shards_in(directory: Path) -> list[Path]:
    """The finished shards of a directory (temporary files are not shards), sorted."""
    return sorted(p for p in Path(directory).glob(f"*{SUFFIX}") if not p.name.startswith("."))
