"""`scraper batch WARC... --out DIR`: clean web archives in parallel on Dask.

Dask (distributed) is the engine: one task per archive, each writing one Parquet
shard (`shards.py`). Without a scheduler address a `LocalCluster` of worker
processes (one thread each: cleaning holds the GIL) runs on this machine; with one
(`--scheduler tcp://host:8786`) the tasks go to an existing cluster (dask-ssh,
dask-jobqueue, ...), whose workers must see the archive paths and the output directory.

Idempotent: a shard that exists is finished (it is renamed into place only when
complete), so its archive is not submitted again; a task whose worker dies is run
again by Dask on another worker (`retries` also covers errors), and the temporary
file the dead attempt left is removed at the end. Each task is `clean_to_shard`,
which is also the serial path: the same function, called in a loop, gives the same
rows.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import ConfigError, InputError
from .shards import row_of, shard_name, write_shard

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ShardResult:
    """One archive's task: its shard, how many pages it holds, what was skipped."""

    archive: str
    shard: str
    rows: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    existed: bool = False  # finished by an earlier run: nothing done


@dataclass(frozen=True)
class BatchSummary:
    """What `batch_clean` did: shards written now, shards already there, archives that failed."""

    written: tuple[ShardResult, ...] = ()
    existing: tuple[str, ...] = ()
    failed: dict[str, str] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(r.rows for r in self.written)

    @property
    def ok(self) -> bool:
        return not self.failed


def clean_rows(archive: str, skipped: Counter) -> Iterator[dict]:
    """The shard rows of one archive, in file order (the serial path)."""
    from ..warc.ingest import process_fetched
    from ..warc.records import WarcPage, iter_archive

    for item in iter_archive(archive):
        if isinstance(item, WarcPage):
            yield row_of(process_fetched(item.fetched), archive, item.offset)
        elif item.reason != "not_response":
            skipped[item.reason] += 1


def clean_to_shard(archive: str, out_dir: str) -> ShardResult:
    """One task: the shard of `archive` in `out_dir`, unless it is already there."""
    final = Path(out_dir) / shard_name(archive)
    if final.exists():
        return ShardResult(archive, final.name, existed=True)
    if not Path(archive).is_file():
        raise InputError(f"{archive}: no such file (as seen from the worker on {os.uname().nodename})")
    final.parent.mkdir(parents=True, exist_ok=True)
    skipped: Counter = Counter()
    rows = write_shard(clean_rows(archive, skipped), final, skipped)
    return ShardResult(archive, final.name, rows, dict(skipped))


def _archives(paths: Iterable[str | Path]) -> list[str]:
    from ..warc.records import is_archive_path

    found: list[str] = []
    for p in map(Path, paths):
        if p.is_dir():
            found += [str(f) for f in sorted(p.rglob("*")) if f.is_file() and is_archive_path(f)]
        elif p.is_file():
            found.append(str(p))
        else:
            raise InputError(f"{p}: no such file or directory")
    if not found:
        raise ConfigError("no web archives given (WARC or ARC files, or directories holding them)")
    return list(dict.fromkeys(str(Path(f).resolve()) for f in found))


def _client(scheduler: str | None, workers: int | None):
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise ConfigError("scraper batch needs Dask: pip install 'scraper-sqlite[scale]'") from None
    if scheduler:
        try:
            return Client(scheduler, timeout="30s"), None
        except (OSError, TimeoutError) as exc:
            raise ConfigError(f"--scheduler {scheduler}: cannot reach the Dask scheduler: {exc}") from None
    from ..crawl.pool import default_workers

    cluster = LocalCluster(n_workers=workers or default_workers(), threads_per_worker=1, processes=True,
                           host="127.0.0.1", dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR)
    return Client(cluster), cluster


def batch_clean(paths: Iterable[str | Path], out_dir: str | Path, *, scheduler: str | None = None,
                workers: int | None = None, retries: int = 2, progress=None) -> BatchSummary:
    """Clean every archive into a Parquet shard in `out_dir` (= `scraper batch`).

    scheduler: a Dask scheduler address (else a LocalCluster of `workers` processes,
    default one per core). `progress(result)` is called as each shard finishes."""
    archives = _archives(paths)
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"--out {out_dir}: cannot create the directory: {exc.strerror or exc}") from None
    todo = [a for a in archives if not (out / shard_name(a)).exists()]
    existing = tuple(shard_name(a) for a in archives if a not in todo)
    if not todo:
        return BatchSummary(existing=existing)
    client, cluster = _client(scheduler, workers)
    try:
        written, failed = _run(client, todo, out, retries, progress)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    _remove_leftovers(out, archives)
    return BatchSummary(tuple(written), existing, failed)


def _run(client, todo: list[str], out: Path, retries: int, progress) -> tuple[list[ShardResult], dict[str, str]]:
    from dask.distributed import as_completed

    futures = {client.submit(clean_to_shard, a, str(out.resolve()), key=f"scraper-shard-{shard_name(a)}",
                             retries=retries, pure=False): a for a in todo}
    written, failed = [], {}
    for future in as_completed(futures):
        archive = futures[future]
        if future.status == "finished":
            result = future.result()
            written.append(result)
            if progress:
                progress(result)
        else:
            exc = future.exception()
            failed[archive] = f"{type(exc).__name__}: {exc}"
    written.sort(key=lambda r: todo.index(r.archive))
    return written, failed


def _remove_leftovers(out: Path, archives: list[str]) -> None:
    """Temporary files of attempts that died, for shards that are now complete."""
    for archive in archives:
        name = shard_name(archive)
        if (out / name).exists():
            for tmp in out.glob(f".{name}.*.tmp"):
                tmp.unlink(missing_ok=True)
