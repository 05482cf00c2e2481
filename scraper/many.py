"""`clean_many`: clean many inputs, in parallel if asked, results in input order.

The Python twin of `scraper clean -i LIST -j N --time-limit S`. Each input (URL, file,
`-`) is read and cleaned by `clean_one`, which never raises for a bad page: its
`Cleaned` says what went wrong. With workers > 1, or a `time_limit`, the cleaning
runs on the crawler's worker pool (scraper/crawl/pool.py: processes over pipes), at
most `window` inputs ahead of the one being yielded, so memory stays bounded and
output order is the input order whatever finishes first. There inputs are read in
this process (URLs fetched concurrently) and only the cleaning goes to a worker:
the CPU deadline then bounds the cleaning alone, never a slow download, and the
bytes of a page over the limit are still at hand for `--save`.

    for result in scraper.clean_many(["a.html", "http://x.cn/b.html"], workers=4):
        print(result.input, result.document.title if result.ok else result.error)
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections import deque
from dataclasses import dataclass, replace
from typing import Iterable, Iterator
from urllib.parse import urlsplit

from .errors import ScraperError
from .models import CleanConfig, Document, Fetched
from .formats import EXTENSIONS
from .sources.inputs import read_input, resolve_input


@dataclass(frozen=True)
class Cleaned:
    """The outcome of one input: a document, or an error message (`error_type` its class).

    `fetched` (the bytes as read, for `--save`) is kept only when asked, so results
    coming back from worker processes stay small.
    """

    input: str
    document: Document | None = None
    error: str | None = None
    error_type: str | None = None
    fetched: Fetched | None = None

    @property
    def ok(self) -> bool:
        return self.document is not None


def clean_one(arg: str, url: str | None = None, config: CleanConfig | None = None,
              keep_fetched: bool = False, fetched: Fetched | None = None) -> Cleaned:
    """Read and clean one input; every expected failure becomes `Cleaned.error`."""
    from .pipeline import clean

    try:
        fetched = fetched or read_input(resolve_input(arg), url=url)
        doc = clean(fetched.body, fetched.final_url or fetched.url, content_type=fetched.content_type, config=config)
    except ScraperError as exc:
        return Cleaned(arg, None, str(exc), type(exc).__name__, fetched if keep_fetched else None)
    return Cleaned(arg, doc, fetched=fetched if keep_fetched else None)


def _stdin_once(args: list[str], url: str | None) -> dict[str, Fetched | Cleaned]:
    """`-` is read here, once, in this process (a worker has no stdin)."""
    if "-" not in args:
        return {}
    from .sources.files import read_stdin

    try:
        return {"-": read_stdin(url=url)}
    except ScraperError as exc:
        return {"-": Cleaned("-", None, str(exc), type(exc).__name__)}


def clean_many(inputs: Iterable[str], *, url: str | None = None, config: CleanConfig | None = None,
               workers: int = 1, keep_fetched: bool = False, window: int | None = None,
               time_limit: float | None = None) -> Iterator[Cleaned]:
    """Yield one `Cleaned` per input, in input order. workers=1 cleans in this process;
    more use that many worker processes (`window`, default 4 per worker, bounds the
    inputs in flight). `time_limit`: CPU seconds one input's cleaning may take; a page
    over it comes back as a `TooSlowError` failure (its worker is killed and replaced).
    Only a process can be stopped mid-parse, so a limit cleans in a worker even with
    workers=1."""
    args = list(inputs)
    pre = _stdin_once(args, url)

    if workers <= 1 and time_limit is None:
        for arg in args:
            given = pre.get(arg) if arg == "-" else None
            yield given if isinstance(given, Cleaned) else clean_one(arg, url, config, keep_fetched, given)
        return
    workers = max(1, workers)
    yield from _on_pool(args, _Job(url, config, keep_fetched, pre), workers, window or 4 * workers, time_limit)


@dataclass(frozen=True)
class _Job:
    """What every input of one clean_many call shares."""

    url: str | None
    config: CleanConfig | None
    keep_fetched: bool
    pre: dict


def _on_pool(args: list[str], job: _Job, workers: int, window: int, time_limit: float | None) -> Iterator[Cleaned]:
    from .crawl.pool import WorkerPool

    loop = asyncio.new_event_loop()
    # fork=True: workers forked from this process (the cleaning code is already imported)
    # when it runs no thread; they start before any socket is open, so none inherits one.
    pool = WorkerPool(workers, cpu_limit=time_limit, fork=True)
    pending: deque[asyncio.Task] = deque()
    todo = iter(args)
    try:
        loop.run_until_complete(pool.start())
        while True:
            while len(pending) < window:
                arg = next(todo, None)
                if arg is None:
                    break
                pending.append(loop.create_task(_read_and_clean(arg, job, pool)))
            if not pending:
                return
            yield loop.run_until_complete(pending.popleft())
    finally:
        for task in pending:
            task.cancel()
        pool.close()
        loop.run_until_complete(asyncio.sleep(0))  # let cancelled tasks finish
        loop.close()


async def _read_and_clean(arg: str, job: _Job, pool) -> Cleaned:
    """Read `arg` here, clean it in a worker; every failure becomes `Cleaned.error`."""
    from .crawl.pool import TooSlowError

    fetched = await _read(arg, job)
    if isinstance(fetched, Cleaned):
        return fetched
    kept = fetched if job.keep_fetched else None
    try:
        result = await pool.run(clean_one, arg, job.url, job.config, False, fetched)
    except TooSlowError as exc:
        return Cleaned(arg, None, f"too slow: {exc}", "TooSlowError", kept)
    except Exception as exc:  # noqa: BLE001 - a worker that died: this input failed, go on
        return Cleaned(arg, None, f"cleaning worker failed: {exc}", type(exc).__name__, kept)
    return replace(result, fetched=kept)


async def _read(arg: str, job: _Job) -> Fetched | Cleaned:
    """The bytes of one input (URLs fetched without blocking the other inputs), or why not."""
    given = job.pre.get(arg) if arg == "-" else None
    if given is not None:
        return given
    try:
        inp = resolve_input(arg)
        if inp.kind == "url":
            from .sources.http import fetch_url_async

            return await fetch_url_async(inp.location)
        return read_input(inp, url=job.url)
    except ScraperError as exc:
        return Cleaned(arg, None, str(exc), type(exc).__name__)


# --- naming output files ------------------------------------------------------------

_UNSAFE = re.compile(r"[^\w.-]+")
_PAGE_SUFFIX = re.compile(r"\.(s?html?|xhtml|aspx?|php|jsp)$", re.I)
MAX_NAME = 120


def output_name(arg: str, fmt: str, url: str | None = None) -> str:
    """A file name for the output of one input, with the format's extension.

    A URL gives host + path + query (`www.x.gov.cn_art_2020_2_5_art_1_2.txt`), a file
    its name without the page suffix, stdin its --url or "stdin". Only letters,
    digits, `.`, `-` and `_` are kept; long names are cut and get a short hash.
    """
    if arg == "-":
        arg = url or "stdin"
    parts = urlsplit(arg)
    if parts.scheme in ("http", "https") and parts.hostname:
        path = _PAGE_SUFFIX.sub("", parts.path.strip("/"))
        base = "_".join(p for p in (parts.hostname, path, parts.query) if p)
    else:
        base = _PAGE_SUFFIX.sub("", re.split(r"[\\/]", arg.rstrip("/\\"))[-1])
    name = re.sub(r"_{2,}", "_", _UNSAFE.sub("_", base)).strip("._") or "page"
    if len(name) > MAX_NAME:
        name = name[:MAX_NAME - 9] + "-" + hashlib.sha1(arg.encode()).hexdigest()[:8]
    return name + EXTENSIONS.get(fmt, ".txt")


def unique_names(names: Iterable[str]) -> list[str]:
    """Names made unique in order (case-insensitively): a second `a.txt` becomes `a-2.txt`."""
    taken: set[str] = set()
    out = []
    for name in names:
        stem, _, ext = name.rpartition(".")
        candidate, n = name, 1
        while candidate.lower() in taken:
            n += 1
            candidate = f"{stem}-{n}.{ext}"
        taken.add(candidate.lower())
        out.append(candidate)
    return out
