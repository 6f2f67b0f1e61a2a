"""Every request gets an id (taken from ``X-Request-ID`` when it looks sane) that each log line carries, and one
access line when it ends (method, path without the query string, status, duration)."""

from __future__ import annotations

import re
import time
import uuid

import structlog
from litestar.types import ASGIApp, Message, Receive, Scope, Send

_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
PROBE_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
"""Polled every few seconds by the kubelet and Prometheus: their access lines are debug, not info."""

log = structlog.get_logger("mlconnector.access")


def request_context_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        given = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"x-request-id"), "")
        request_id = given if _SANE_ID.match(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500  # what the client sees if the app dies before answering

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        with structlog.contextvars.bound_contextvars(request_id=request_id):
            try:
                await app(scope, receive, send_with_id)
            finally:
                path = scope.get("path", "")
                (log.debug if path in PROBE_PATHS else log.info)(
                    "request",
                    method=scope.get("method"),
                    path=path,
                    status=status,
                    duration_ms=round((time.perf_counter() - started) * 1000, 2),
                )

    return middleware
