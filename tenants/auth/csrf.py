"""CSRF protection for browser requests (Litestar's signed double-submit cookie), not for API-token requests.

A request carrying ``Authorization: Bearer …`` is authenticated by that token alone (the session cookie is then
ignored, see :mod:`.authenticate`), and a browser never adds that header on its own, so such a request cannot be
forged cross-site and needs no CSRF token. Every other unsafe request must echo the ``mlc_csrf`` cookie in the
``X-CSRF-Token`` header (or a ``_csrf_token`` form field). Plugin endpoints (``/connectors/…``: the Web Connector's
SOAP calls, webhooks) authenticate their own way and are left alone. The signing secret is derived from the
active KEK, so every process agrees on it without another setting.
"""

from __future__ import annotations

from typing import Any

from litestar.config.csrf import CSRFConfig
from litestar.connection import ASGIConnection
from litestar.middleware import DefineMiddleware
from litestar.middleware.csrf import CSRFMiddleware
from litestar.types import Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

from mlconnector.platform.vault.keyring import Keyring
from mlconnector.tenants.auth.sessions import NOT_FOR

COOKIE_NAME = "mlc_csrf"
HEADER_NAME = "x-csrf-token"


def carries_bearer_token(scope: Scope) -> bool:
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            return value[:7].lower() == b"bearer "
    return False


class CSRFUnlessBearer(CSRFMiddleware):
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and carries_bearer_token(scope):
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def csrf_middleware(keyring: Keyring, *, secure: bool) -> DefineMiddleware:
    config = CSRFConfig(
        secret=keyring.derive("csrf").hex(),
        cookie_name=COOKIE_NAME,
        header_name=HEADER_NAME,
        cookie_secure=secure,
        cookie_httponly=False,  # the page's script reads it to send the header (double submit)
        cookie_samesite="lax",
        exclude=NOT_FOR,
    )
    return DefineMiddleware(CSRFUnlessBearer, config=config)


def csrf_token(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    """The token for this response (a form's hidden field, or the JSON API's ``GET /api/auth/csrf``)."""
    token = ScopeState.from_scope(connection.scope).csrf_token
    return token if isinstance(token, str) else None
