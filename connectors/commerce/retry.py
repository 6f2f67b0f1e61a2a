"""When to retry a request to the store and how long to wait (pure).

Retried: 429, 500, 502, 503, 504, timeouts and dropped connections (NOTES §3.5: PHP/nginx timeouts, CDN 503s,
the Cloud Service gateway's 429 with ``Retry-After``). Not retried: other 4xx, 501, 505. Waits grow exponentially
with full jitter (so a fleet of workers does not retry in step); ``Retry-After`` is honoured — and when it asks
for longer than a request may wait, the read stops and the job comes back later instead of holding a worker.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 5
    """Tries per request, the first included."""
    base_delay: float = 0.5
    max_delay: float = 20.0
    max_retry_after: float = 120.0
    """The longest ``Retry-After`` waited for in place; longer ones end the read (the job retries later)."""

    def backoff(self, attempt: int, rand: Callable[[], float] = random.random) -> float:
        """Full jitter: uniform in ``[0, min(max_delay, base_delay × 2^(attempt-1))]`` for the ``attempt``-th retry."""
        return rand() * min(self.max_delay, self.base_delay * 2 ** (attempt - 1))


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date); ``None`` when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
