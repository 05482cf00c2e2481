"""Timestamps in the store: UTC ISO 8601 strings ("2024-05-19T08:30:00Z"), so that
string order is time order and plain SQL (`WHERE last_changed >= '2024-05-18'`) works.
"""

from __future__ import annotations

import functools
from datetime import date, datetime, timezone

from ..durations import parse_age
from ..errors import QueryError, StoreError


def now() -> str:
    return format_utc(datetime.now(timezone.utc))


def format_utc(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def normalize_timestamp(value: str | datetime | None) -> str | None:
    """Any ISO 8601 time (naive = UTC) as our UTC form; StoreError when unreadable."""
    if value is None or isinstance(value, datetime):
        return format_utc(value) if value else None
    return _normalize_str(value)


@functools.lru_cache(maxsize=256)  # a crawl batch shares few distinct fetch times
def _normalize_str(value: str) -> str:
    try:
        return format_utc(datetime.fromisoformat(value.strip().replace("Z", "+00:00")))
    except ValueError:
        raise StoreError(f"fetched_at {value!r} is not an ISO 8601 time") from None


def parse_since(value: str | date | datetime | None, what: str = "since") -> str | None:
    """A lower time bound: ISO date/time, or an age back from now in the one duration
    syntax (scraper/durations.py): "1w", "1d", "12h", "1h30m"."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return format_utc(value)
    if isinstance(value, date):
        return value.isoformat()
    try:
        age = parse_age(value)
        if age is not None:
            return format_utc(datetime.now(timezone.utc) - age)
    except OverflowError:
        raise QueryError(f"{what}: {value!r} reaches back past the year 1") from None
    try:
        if len(value.strip()) == 10:
            return date.fromisoformat(value.strip()).isoformat()
        return format_utc(datetime.fromisoformat(value.strip().replace("Z", "+00:00")))
    except ValueError:
        raise QueryError(
            f"{what}: expected a date (2024-05-19), a time (2024-05-19T08:00) or an age (7d, 12h, 1h30m, 1w), got {value!r}"
        ) from None


def parse_day(value: str | date | None, what: str) -> str | None:
    """A publication-date bound for search filters: YYYY-MM-DD (dates are stored so).
    An age ("30d", "12h", "1w") counts back from now to the UTC day it falls on."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()[:10]
    try:
        age = parse_age(value)
        if age is not None:
            return (datetime.now(timezone.utc) - age).date().isoformat()
    except OverflowError:
        raise QueryError(f"{what}: {value!r} reaches back past the year 1") from None
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise QueryError(f"{what}: expected a date YYYY-MM-DD or an age (7d, 12h, 1h30m, 1w), got {value!r}") from None
