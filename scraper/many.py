"""`clean_many`: clean many inputs, in parallel if asked, results in input order.

The Python twin of `scraper clean -i LIST -j N`. Each input (URL, file, `-`) is read
and cleaned by `clean_one`, which never raises for a bad page: its `Cleaned` says
what went wrong. With workers > 1 the work runs on the crawler's worker pool
(scraper/crawl/pool.py: processes over pipes, cleaning code preloaded), at most
`window` inputs ahead of the one being yielded, so memory stays bounded and output
order is the input order whatever finishes first.

    for result in scraper.clean_many(["a.html", "http://x.cn/b.html"], workers=4):
        print(result.input, result.document.title if result.ok else result.error)
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections import deque
from dataclasses import dataclass
from typing import Iterable, Iterator
from urllib.parse import urlsplit

from .errors import ScraperError
from .models import CleanConfig, Document, Fetched
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
               workers: int = 1, keep_fetched: bool = False, window: int | None = None) -> Iterator[Cleaned]:
    """Yield one `Cleaned` per input, in input order. workers=1 cleans in this process;
    more use that many worker processes (`window`, default 4 per worker, bounds the
    inputs in flight)."""
    args = list(inputs)
    pre = _stdin_once(args, url)

    def job(arg: str) -> tuple:
        given = pre.get(arg) if arg == "-" else None
        return (arg, url, config, keep_fetched, given)

    if workers <= 1:
        for arg in args:
            given = pre.get(arg) if arg == "-" else None
            yield given if isinstance(given, Cleaned) else clean_one(*job(arg))
        return
    yield from _parallel(args, job, pre, workers, window or 4 * workers)


def _parallel(args: list[str], job, pre: dict, workers: int, window: int) -> Iterator[Cleaned]:
    from .crawl.pool import WorkerPool

    loop = asyncio.new_event_loop()
    pool = WorkerPool(workers)
    pending: deque[tuple[str, asyncio.Future | Cleaned]] = deque()
    todo = iter(args)
    try:
        while True:
            while len(pending) < window:
                arg = next(todo, None)
                if arg is None:
                    break
                given = pre.get(arg) if arg == "-" else None
                if isinstance(given, Cleaned):
                    pending.append((arg, given))
                else:
                    pending.append((arg, loop.create_task(pool.run(clean_one, *job(arg)))))
            if not pending:
                return
            arg, task = pending.popleft()
            if isinstance(task, Cleaned):
                yield task
                continue
            try:
                yield loop.run_until_complete(task)
            except Exception as exc:  # noqa: BLE001 - a worker that died: this input failed, go on
                yield Cleaned(arg, None, f"cleaning worker failed: {exc}", type(exc).__name__)
    finally:
        for _, task in pending:
            if isinstance(task, asyncio.Future):
                task.cancel()
        pool.close()
        loop.run_until_complete(asyncio.sleep(0))  # let cancelled tasks finish
        loop.close()


# --- naming output files ------------------------------------------------------------

EXTENSIONS = {"text": ".txt", "json": ".json", "markdown": ".md"}
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
