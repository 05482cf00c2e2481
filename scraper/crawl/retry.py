"""When to try a request again and how long to wait: pure functions, no I/O.

Exponential backoff with jitter (so many crawlers hitting one server do not retry in
lock-step) on connect errors, 5xx and 429; a server's Retry-After (seconds or an
HTTP-date) wins over the backoff, but a wait longer than the cap is not honoured by
waiting: the request gives up instead, since retrying earlier would be rude.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime


@dataclass(frozen=True)
class RetryPolicy:
    """attempts counts the first try; backoff is the first wait, doubled each retry."""

    attempts: int = 3
    backoff: float = 1.0
    max_backoff: float = 60.0
    max_retry_after: float = 300.0
    statuses: frozenset[int] = frozenset({429, 500, 502, 503, 504})

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("RetryPolicy.attempts must be at least 1")
        if self.backoff < 0 or self.max_backoff < 0 or self.max_retry_after < 0:
            raise ValueError("RetryPolicy waits must not be negative")


NO_RETRY = RetryPolicy(attempts=1)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds from now: '120' or 'Wed, 21 Oct 2015 07:28:00 GMT'.

    Returns None when absent or unparseable; a date in the past gives 0.
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = now or datetime.now(timezone.utc)
    return max(0.0, (when - now).total_seconds())


def backoff_delay(policy: RetryPolicy, failures: int, rng: random.Random | None = None) -> float:
    """Wait after the `failures`-th failed try: backoff * 2**(failures-1), capped, +-50 % jitter."""
    base = min(policy.max_backoff, policy.backoff * (2 ** max(0, failures - 1)))
    return base * (rng or random).uniform(0.5, 1.5)


def status_retry_delay(
    policy: RetryPolicy,
    failures: int,
    status: int,
    retry_after: str | None,
    rng: random.Random | None = None,
    now: datetime | None = None,
) -> float | None:
    """Seconds to wait before retrying a response with `status`, or None to give up."""
    if status not in policy.statuses or failures >= policy.attempts:
        return None
    asked = parse_retry_after(retry_after, now)
    if asked is None:
        return backoff_delay(policy, failures, rng)
    if asked > policy.max_retry_after:
        return None
    return asked
