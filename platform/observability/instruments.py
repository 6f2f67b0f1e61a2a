"""The process's Prometheus instruments and the small recording API the core and connectors call.

Every instrument lives in :data:`REGISTRY` (not the library's global one), so ``/metrics`` shows exactly our
series. Label values are checked against closed sets or a name shape: a tenant id, an order number or a URL in a
label would multiply the series without bound, so such values are refused instead of recorded. Per-tenant numbers
come from the database at scrape time (:mod:`.gauges`), never from labels here.
"""

from __future__ import annotations

import re
from typing import Final

from prometheus_client import CollectorRegistry, Counter, Histogram, ProcessCollector

REGISTRY: Final = CollectorRegistry(auto_describe=True)
ProcessCollector(registry=REGISTRY)

SOAP_METHODS: Final = frozenset(
    {
        "serverVersion",
        "clientVersion",
        "authenticate",
        "sendRequestXML",
        "receiveResponseXML",
        "getLastError",
        "connectionError",
        "closeConnection",
    }
)
"""The QuickBooks Web Connector's operations (reference/qbd/NOTES.md); anything else is recorded as ``other``."""

QBWC_SESSION_OUTCOMES: Final = frozenset({"started", "no_work", "rejected", "busy", "closed", "connection_error"})
"""How a Web Connector session began or ended: ``authenticate`` answered with a ticket and work (``started``),
``"none"`` (``no_work``), ``"nvu"`` (``rejected``) or ``"busy"``; ``closeConnection`` (``closed``) or
``connectionError`` (``connection_error``) ended it."""

RETRY_REASONS: Final = frozenset({"error", "requested"})
"""``error``: the handler raised and has attempts left; ``requested``: it raised ``RetryJob`` (a Retry-After)."""

_NAME_SHAPE = re.compile(r"^[a-z][a-z_.]{0,47}$")
"""A Commerce operation: lowercase words joined by ``_`` or ``.`` — no digits, so no ids slip in."""

SECONDS_BUCKETS: Final = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)

soap_call_seconds: Final = Histogram(
    "mlc_qbwc_soap_call_duration_seconds",
    "Time to answer one QuickBooks Web Connector SOAP call, by SOAP method.",
    ["method"],
    registry=REGISTRY,
    buckets=SECONDS_BUCKETS,
)
qbwc_sessions: Final = Counter(
    "mlc_qbwc_sessions",
    "QuickBooks Web Connector sessions, by how they began or ended.",
    ["outcome"],
    registry=REGISTRY,
)
commerce_request_seconds: Final = Histogram(
    "mlc_commerce_request_duration_seconds",
    "Latency of Adobe Commerce REST calls, by operation (all outcomes).",
    ["operation"],
    registry=REGISTRY,
    buckets=SECONDS_BUCKETS,
)
commerce_errors: Final = Counter(
    "mlc_commerce_errors",
    "Adobe Commerce REST calls that failed, by HTTP status (or 'transport' when no response arrived).",
    ["status"],
    registry=REGISTRY,
)
job_retries: Final = Counter(
    "mlc_job_retries",
    "Background jobs put back in the queue for another attempt, by job kind and reason.",
    ["kind", "reason"],
    registry=REGISTRY,
)


for _method in SOAP_METHODS:  # known label values start at zero, so rate() and alerts work before the first call
    soap_call_seconds.labels(method=_method)
for _outcome in QBWC_SESSION_OUTCOMES:
    qbwc_sessions.labels(outcome=_outcome)


class MetricLabelError(ValueError):
    """A label value outside its closed set or name shape (it would create unbounded series)."""


def _name(value: str, what: str) -> str:
    if not _NAME_SHAPE.match(value):
        raise MetricLabelError(f"{what} {value!r} must be lowercase words joined by '_' or '.', without digits")
    return value


def record_soap_call(method: str, seconds: float) -> None:
    """One Web Connector SOAP call took ``seconds`` to answer."""
    soap_call_seconds.labels(method=method if method in SOAP_METHODS else "other").observe(max(seconds, 0.0))


def record_qbwc_session(outcome: str) -> None:
    """A Web Connector session began or ended with ``outcome`` (one of :data:`QBWC_SESSION_OUTCOMES`)."""
    if outcome not in QBWC_SESSION_OUTCOMES:
        expected = sorted(QBWC_SESSION_OUTCOMES)
        raise MetricLabelError(f"Web Connector session outcome {outcome!r} is not one of {expected}")
    qbwc_sessions.labels(outcome=outcome).inc()


def record_commerce_call(operation: str, seconds: float, status: int | None) -> None:
    """One Commerce REST call (``operation`` such as ``orders.search``) took ``seconds``; ``status`` is the HTTP
    status, or ``None`` when no response arrived (timeout, connection refused). 4xx and 5xx count as errors."""
    commerce_request_seconds.labels(operation=_name(operation, "Commerce operation")).observe(max(seconds, 0.0))
    if status is None:
        commerce_errors.labels(status="transport").inc()
    elif status >= 400:
        if not 100 <= status <= 599:
            raise MetricLabelError(f"HTTP status {status} is not a status code")
        commerce_errors.labels(status=str(status)).inc()


def record_job_retry(kind: str, reason: str) -> None:
    """A job of ``kind`` goes back to the queue because of ``reason`` (one of :data:`RETRY_REASONS`)."""
    if reason not in RETRY_REASONS:
        raise MetricLabelError(f"retry reason {reason!r} is not one of {sorted(RETRY_REASONS)}")
    job_retries.labels(kind=kind, reason=reason).inc()  # kinds are registered names: a bounded set
