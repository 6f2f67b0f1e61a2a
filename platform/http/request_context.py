"""Every request gets an id (taken from ``X-Request-ID`` when it looks sane) that each log line carries."""

from __future__ import annotations

import re
import uuid

import structlog
from litestar.types import ASGIApp, Message, Receive, Scope, Send

_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def request_context_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        given = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"x-request-id"), "")
        request_id = given if _SANE_ID.match(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            with structlog.contextvars.bound_contextvars(request_id=request_id):
                await app(scope, receive, send_with_id)
        finally:
            structlog.contextvars.unbind_contextvars("tenant_id")  # bound by the tenant guard

    return middleware
