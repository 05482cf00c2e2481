"""`scraper batch` throughput on Dask vs a plain warcio + trafilatura loop, same archives, same run.

    .venv/bin/pip install -e '.[bench]'      # Dask, pyarrow, FastWARC (benchmark and scale extras)
    .venv/bin/python tests/benchmarks/bench_batch.py [--records 5000] [--big 20000] [--files 8]

Generates web archives of real-size pages: the fixture pages and fixtures/site's
articles as templates, each page with its own body text (bench_crawl.py's generator),
in their real encodings, HTTP Content-Type given, split over `--files` WARC files (one
Dask task each). Then, in this one run:
- reading only: warcio and FastWARC iterate the same files (why the reader is warcio);
- the plain loop: warcio + `trafilatura.extract` on each payload, one core (what
  DataTrove-style pipelines run);
- ours: `batch_clean` on a LocalCluster of 1 and of 2 worker processes (one thread
  each), through `--scheduler` so the cluster's start is timed apart: sniff, decode
  with the HTTP charset, clean, article or list, MinHash, one Parquet shard per file;
- peak RSS of each worker at `--records` and at `--big` records (the same number of
  files, so each file, and each task, is 4x larger: memory must not follow).
Prints records/s and ratios; asserts nothing.
"""

from __future__ import annotations

import argparse
import io
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "fixtures" / "site"))
sys.path.insert(0, str(Path(__file__).parent))


def build_archives(directory: Path, records: int, files: int) -> list[Path]:
    import html

    from bench_crawl import EN, ZH, _paragraph, _templates
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    directory.mkdir(parents=True, exist_ok=True)
    rng = random.Random(7)
    templates = _templates()
    paths, per_file = [], -(-records // files)
    for f in range(files):
        path = directory / f"bench-{f:05d}.warc.gz"
        with open(path, "wb") as fh:
            writer = WARCWriter(fh, gzip=True, warc_version="1.1")
            for i in range(f * per_file, min(records, (f + 1) * per_file)):
                t = templates[i % len(templates)]
                text = t["html"]
                for line in t["lines"]:
                    text = text.replace(line, html.escape(_paragraph(rng, ZH if t["zh"] else EN, t["zh"])), 1)
                body = text.encode(t["codec"], "xmlcharrefreplace")
                ctype = t["ctype"] if "charset" in t["ctype"] else f"{t['ctype']}; charset={t['codec']}"
                http = StatusAndHeaders("200 OK", [("Content-Type", ctype), ("Content-Length", str(len(body)))],
                                        protocol="HTTP/1.1")
                writer.write_record(writer.create_warc_record(
                    f"http://www.example.gov.cn/art/{i}.html", "response", payload=io.BytesIO(body),
                    http_headers=http, warc_headers_dict={"WARC-Date": "2024-05-19T08:00:00Z"}))
        paths.append(path)
    return paths


def read_warcio(paths: list[Path]) -> int:
    from warcio.archiveiterator import ArchiveIterator

    n = 0
    for path in paths:
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type == "response":
                    record.content_stream().read()
                    n += 1
    return n


def read_fastwarc(paths: list[Path]) -> int | None:
    try:
        from fastwarc.warc import ArchiveIterator, WarcRecordType
    except ImportError:
        return None
    n = 0
    for path in paths:
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh, record_types=WarcRecordType.response, parse_http=True):
                record.reader.read()
                n += 1
    return n


def plain_loop(paths: list[Path]) -> int:
    """warcio + trafilatura.extract on each response payload, one core."""
    import trafilatura
    from warcio.archiveiterator import ArchiveIterator

    n = 0
    for path in paths:
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type == "response":
                    if trafilatura.extract(record.content_stream().read()):
                        n += 1
    return n


def _peak_rss_kb() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def ours(paths: list[Path], out: Path, workers: int) -> dict:
    from dask.distributed import Client, LocalCluster

    from scraper.scale import batch_clean

    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    with LocalCluster(n_workers=workers, threads_per_worker=1, host="127.0.0.1", dashboard_address="127.0.0.1:0",
                      silence_logs=50) as cluster, Client(cluster) as client:
        ready = time.perf_counter() - started
        t0 = time.perf_counter()
        summary = batch_clean(paths, out, scheduler=cluster.scheduler_address)
        elapsed = time.perf_counter() - t0
        rss = sorted(client.run(_peak_rss_kb).values())
    return {"seconds": elapsed, "startup": ready, "rows": summary.rows, "rss_mb": [r / 1024 for r in rss],
            "ok": summary.ok}


def rate(records: int, seconds: float) -> float:
    return records / seconds if seconds > 0 else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=5000)
    parser.add_argument("--big", type=int, default=20000, help="records for the second RSS figure (0: skip)")
    parser.add_argument("--files", type=int, default=8)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    try:
        t0 = time.perf_counter()
        paths = build_archives(tmp / "warc", args.records, args.files)
        size = sum(p.stat().st_size for p in paths)
        print(f"{args.records} records in {len(paths)} WARC files, {size / 2**20:.0f} MiB gzip "
              f"(built in {time.perf_counter() - t0:.0f} s)", flush=True)

        t0 = time.perf_counter()
        n = read_warcio(paths)
        warcio_rate = rate(n, time.perf_counter() - t0)
        t0 = time.perf_counter()
        fast = read_fastwarc(paths)
        fast_rate = rate(fast, time.perf_counter() - t0) if fast is not None else None
        print(f"reading only: warcio {warcio_rate:,.0f} records/s; FastWARC "
              + (f"{fast_rate:,.0f} records/s ({fast_rate / warcio_rate:.1f}x)" if fast_rate else "not installed"),
              flush=True)

        t0 = time.perf_counter()
        extracted = plain_loop(paths)
        plain = rate(args.records, time.perf_counter() - t0)
        print(f"plain loop (warcio + trafilatura.extract, 1 core): {plain:.1f} records/s "
              f"({extracted} with text)", flush=True)

        runs = {}
        for workers in (1, 2):
            runs[workers] = r = ours(paths, tmp / f"shards{workers}", workers)
            print(f"scraper batch, {workers} worker(s): {rate(args.records, r['seconds']):.1f} records/s "
                  f"({r['rows']} rows, ok={r['ok']}; cluster start {r['startup']:.1f} s not counted); "
                  f"peak RSS per worker {', '.join(f'{m:.0f}' for m in r['rss_mb'])} MB", flush=True)
        one, two = (rate(args.records, runs[w]["seconds"]) for w in (1, 2))
        print(f"ratios: 2 workers / 1 worker = {two / one:.2f}x (target >= 1.7); "
              f"2 workers / plain loop = {two / plain:.2f}x (target >= 2); "
              f"1 worker / plain loop = {one / plain:.2f}x", flush=True)

        if args.big:
            shutil.rmtree(tmp / "warc")
            paths = build_archives(tmp / "warc", args.big, args.files)
            r = ours(paths, tmp / "shards-big", 2)
            print(f"scraper batch, 2 workers, {args.big} records ({args.big // args.files} per file): "
                  f"{rate(args.big, r['seconds']):.1f} records/s; peak RSS per worker "
                  f"{', '.join(f'{m:.0f}' for m in r['rss_mb'])} MB (at {args.records}: "
                  f"{', '.join(f'{m:.0f}' for m in runs[2]['rss_mb'])} MB)", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
