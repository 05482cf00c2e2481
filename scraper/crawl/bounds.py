"""Bounds on config values that validate as numbers or strings but would break a run.

`delay = inf` hangs, `delay = nan` turns politeness off (every comparison with nan is
false), `revisit_articles = "1000000w"` dates a revisit past year 9999 and fails
each commit, `max_body_bytes = 1` fails every page, a user agent "爬虫/1.0" or one
with CR/LF cannot be sent as a header, port 99999 cannot be connected to. Each
check raises ValueError with the problem; `config.py` adds file and key.
"""

from __future__ import annotations

import math
import re
from typing import Any

MAX_DURATION = 3650 * 86400.0  # revisit intervals, --every: ten years
MAX_DELAY = 3600.0  # seconds between two requests to one host
MAX_TIMEOUT = 3600.0  # connect, read, total: one HTTP exchange
MIN_SIZE_LIMIT = 64 * 1024  # a size limit below any real web page fails every page
MAX_SIZE_LIMIT = 1024**3
MAX_USER_AGENT = 512
MAX_PAGES = 10**9
MAX_DEPTH = 1000
MAX_CONCURRENCY = 1000
MAX_SITE_CONCURRENCY = 100
MAX_REDIRECTS = 30
MIN_CPU_LIMIT = 0.1  # CPU seconds for one page: less fails ordinary pages on a loaded machine
MAX_CPU_LIMIT = 3600.0  # more is no limit: a hostile page would hold a worker for an hour


def finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"expected a finite number, got {value}")
    return value


def duration(seconds: float, original: Any, maximum: float = MAX_DURATION) -> float:
    if seconds > maximum:
        raise ValueError(f"{original!r} is too long: at most {human_seconds(maximum)}")
    return seconds


def human_seconds(seconds: float) -> str:
    for unit, size in (("days", 86400), ("hours", 3600), ("minutes", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds / size:g} {unit}"
    return f"{seconds:g} s"


def cpu_limit(seconds: float, original: Any) -> float:
    """`page_cpu_limit`, `clean --time-limit`: CPU seconds one page may take."""
    if not MIN_CPU_LIMIT <= seconds <= MAX_CPU_LIMIT:
        raise ValueError(f"must be between 0.1 s and 1 h, got {original!r}")
    return seconds


def size_limit(size: int, original: Any) -> int:
    if not MIN_SIZE_LIMIT <= size <= MAX_SIZE_LIMIT:
        raise ValueError(f"must be between 64KB and 1GB, got {original!r}")
    return size


def user_agent(agent: str) -> str:
    """Sent as a header on every request: one line of printable ASCII."""
    if not agent.strip():
        raise ValueError("must not be empty")
    if len(agent) > MAX_USER_AGENT:
        raise ValueError(f"too long: {len(agent)} characters (at most {MAX_USER_AGENT})")
    for i, char in enumerate(agent):
        if not " " <= char <= "~":
            what = "a line break" if char in "\r\n" else f"{char!r}"
            raise ValueError(f"must be one line of printable ASCII (an HTTP header); {what} at position {i}"
                             " (write non-ASCII names in pinyin or English)")
    return agent


def port(netloc: str, original: Any) -> None:
    """'host:99999' (a seed's netloc or an allowed_hosts entry) is refused."""
    match = re.search(r":(\d+)$", netloc)
    if match and not 1 <= int(match[1]) <= 65535:
        raise ValueError(f"port {int(match[1])} of {original!r} is out of range (1-65535)")
