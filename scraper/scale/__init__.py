"""Cleaning at cluster scale (the `scale` extra: Dask, pyarrow): `batch_clean` cleans
web archives on Dask into Parquet shards, `merge` loads shards and stores into one store.

    from scraper.scale import batch_clean, merge
    summary = batch_clean(["warc/"], "shards/", workers=2)       # = scraper batch warc/ --out shards/
    with Store.open("store.db") as store:
        merge(["shards/"], store)                                  # = scraper merge shards/ --db store.db
"""

from __future__ import annotations

from typing import Any

_EXPORTS = {
    "batch_clean": "batch", "clean_to_shard": "batch", "clean_rows": "batch", "BatchSummary": "batch",
    "ShardResult": "batch", "merge": "merger", "shards_in": "shards", "iter_rows": "shards",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f"{__name__}.{module}"), name)
