"""Latency and error injection for the fake.

What production stores do to clients (NOTES §3.5): 429 with ``Retry-After`` from the Cloud Service gateway, 503
from maintenance mode or a CDN, a page that never comes back (PHP/nginx timeouts), and plain slowness.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(slots=True)
class Fault:
    path: re.Pattern[str]
    status: int | None = None
    retry_after: str | None = None
    hang: bool = False
    """Never answer (until the client's timeout)."""
    body: bytes | None = None
    content_type: str = "application/json"
    times: int = 1


@dataclass(slots=True)
class FaultPlan:
    latency: float = 0.0
    """Seconds added to every REST answer (the benchmarks use 0.15)."""
    faults: list[Fault] = field(default_factory=list)
    injected: int = 0

    def add(
        self,
        *,
        status: int | None = None,
        retry_after: int | str | None = None,
        hang: bool = False,
        times: int = 1,
        path: str = ".*",
        body: bytes | None = None,
        content_type: str = "application/json",
    ) -> Fault:
        fault = Fault(
            re.compile(path), status, None if retry_after is None else str(retry_after), hang, body, content_type, times
        )
        self.faults.append(fault)
        return fault

    def take(self, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.times > 0 and fault.path.search(path):
                fault.times -= 1
                self.injected += 1
                return fault
        return None

    def clear(self) -> None:
        self.faults.clear()
