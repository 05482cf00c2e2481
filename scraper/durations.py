"""One duration syntax for every option and config key that takes a length of time.

`6h`, `30m`, `7d`, `1w`, `90s`, `1h30m`, `1.5h` (units s, m, h, d, w; m is minutes)
or a plain number of seconds. Used by the sites TOML (`revisit_lists`), `crawl
--every`, and, as an age back from now, `search/changes/export --since` and
`search --until`, so `--since 1h30m` means the same everywhere. Upper bounds for
crawl settings (ten years) are the crawler's business: `crawl/bounds.py`.
"""

from __future__ import annotations

import math
import re
from datetime import timedelta

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_PART = re.compile(r"(\d+(?:\.\d+)?)([smhdw])")
EXAMPLES = "'30m', '6h' or '7d'"  # also '1h30m', '1w', '90s'


def parse_duration(value: str | int | float) -> float:
    """'6h' -> 21600.0; also '30m', '7d', '1w', '90s', '1h30m' or plain seconds.
    ValueError for anything else, including inf/nan and lengths no float holds."""
    if isinstance(value, bool):
        raise ValueError("expected a duration like '6h', got a boolean")
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            raise ValueError(f"expected a duration like '6h', got {value}")
        if value < 0:
            raise ValueError("a duration must not be negative")
        return float(value)
    seconds = _seconds(value)
    if seconds is None:
        raise ValueError(f"expected a duration like {EXAMPLES}, got {value!r}")
    if not math.isfinite(seconds):
        raise ValueError(f"duration {value!r} is too long")
    return seconds


def parse_age(text: str) -> timedelta | None:
    """A duration written with units ('12h', '1h30m'), or None if `text` is not one
    (a date such as '2024-05-19' is not: callers try dates next). OverflowError
    when it is longer than a timedelta holds (callers name the problem)."""
    seconds = _seconds(text)
    return None if seconds is None else timedelta(seconds=seconds)


def _seconds(text: str) -> float | None:
    compact = text.strip().lower().replace(" ", "")
    parts = _PART.findall(compact)
    if not parts or "".join(n + u for n, u in parts) != compact:
        return None
    return sum(float(n) * UNITS[u] for n, u in parts)
