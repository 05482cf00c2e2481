"""Fetch throughput of scraper.crawl.fetcher.Fetcher against a fast loopback server.

    .venv/bin/python tests/benchmarks/bench_fetch.py [--pages 2000] [--concurrency 32] [--gzip]

The server (a tiny asyncio HTTP/1.1 keep-alive server) runs in a child process so it
does not share the GIL with the fetcher. Politeness is off (no robots, no delay), as
in the phase-2 crawl benchmark. Prints pages/s and peak RSS; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import multiprocessing
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from scraper.crawl.fetcher import Fetcher  # noqa: E402
from scraper.crawl.politeness import Politeness  # noqa: E402
from scraper.crawl.retry import NO_RETRY  # noqa: E402

BODY = ("<html><head><meta charset=utf-8><title>第{n}篇</title></head><body><div class=TRS_Editor>"
        + "<p>为深入贯彻落实党中央、国务院决策部署，切实做好当前各项工作，现将有关事项通知如下。</p>" * 40
        + "</div></body></html>")


def serve(port_queue: multiprocessing.Queue, use_gzip: bool) -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                path = head.split(b" ", 2)[1].decode()
                body = BODY.format(n=path).encode()
                extra = ""
                if use_gzip:
                    body, extra = gzip.compress(body, 1), "Content-Encoding: gzip\r\n"
                writer.write(f"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n{extra}"
                             f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=1024)
        port_queue.put(server.sockets[0].getsockname()[1])
        await server.serve_forever()

    asyncio.run(main())


async def crawl(base: str, pages: int, concurrency: int) -> int:
    politeness = Politeness(concurrency=concurrency, per_host_concurrency=concurrency, delay=0, obey_robots=False)
    size = 0
    async with Fetcher(politeness=politeness, retry=NO_RETRY) as fetcher:
        queue: asyncio.Queue[str] = asyncio.Queue()
        for i in range(pages):
            queue.put_nowait(f"{base}/art/{i}.html")

        async def worker() -> None:
            nonlocal size
            while not queue.empty():
                result = await fetcher.fetch(queue.get_nowait())
                size += len(result.fetched.body)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--gzip", action="store_true")
    args = parser.parse_args()
    ports: multiprocessing.Queue = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve, args=(ports, args.gzip), daemon=True)
    server.start()
    try:
        base = f"http://127.0.0.1:{ports.get(timeout=10)}"
        started = time.perf_counter()
        size = asyncio.run(crawl(base, args.pages, args.concurrency))
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.join(5)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{args.pages} pages ({size / 1e6:.1f} MB{' gzip' if args.gzip else ''}) at concurrency "
          f"{args.concurrency}: {elapsed:.2f} s, {args.pages / elapsed:.0f} pages/s, peak RSS {rss:.0f} MB")


if __name__ == "__main__":
    main()
