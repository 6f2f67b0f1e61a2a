"""Proof that a worker process is alive: its maintenance loop beats once per pass.

The loop runs on the same event loop as every async job, so a beat that stops coming means the process is wedged
(a blocked loop, a dead thread) and restarting it helps. A pass that fails because the database is down still
beats: liveness must not depend on other services, or an outage would restart every worker for nothing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

MIN_STALE_SECONDS = 60.0
"""A heartbeat is stale after ``max(MIN_STALE_SECONDS, 6 × MLC_JOB_SWEEP_SECONDS)`` (a slow pass is not a dead one)."""


class Heartbeat:
    """The time of the last beat, readable from any thread."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._last: float | None = None
        self._lock = threading.Lock()

    def beat(self) -> None:
        with self._lock:
            self._last = self._clock()

    def age(self) -> float | None:
        """Seconds since the last beat; ``None`` before the first."""
        with self._lock:
            return None if self._last is None else self._clock() - self._last


def stale_after(sweep_seconds: float) -> float:
    return max(MIN_STALE_SECONDS, 6 * sweep_seconds)
