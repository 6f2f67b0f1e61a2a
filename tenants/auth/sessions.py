"""Sign-in sessions: Litestar's server-side sessions with three changes that matter for sign-in.

- Anonymous requests create nothing (no row, no cookie) — health probes and API-token calls stay stateless.
- Signing in issues a *new* session id (the old one is deleted), so a session id planted before sign-in is useless.
- An unchanged session is not written back, so a signed-in page view costs a read, not a write.

The cookie is HttpOnly, SameSite=Lax, and Secure when ``PUBLIC_BASE_URL`` is https. Sessions last 14 days from
sign-in; a password reset ends all of a user's sessions (``users.session_version``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.middleware.session.server_side import ServerSideSessionBackend, ServerSideSessionConfig
from litestar.types import Empty, Message, ScopeSession

STORE_NAME = "mlc-sessions"
COOKIE_NAME = "mlc_session"
MAX_AGE_SECONDS = 14 * 24 * 3600
ROTATE_KEY = "mlc.session.rotate"
LOADED_KEY = "mlc.session.loaded"
NOT_FOR = ["^/connectors/", "^/healthz", "^/readyz", "^/schema"]
"""Paths that never use a sign-in session (plugin endpoints authenticate their own way)."""


def start_session(connection: ASGIConnection[Any, Any, Any, Any], data: dict[str, Any]) -> None:
    """Sign in: the response carries a fresh session id holding ``data``."""
    connection.scope.setdefault("state", {})[ROTATE_KEY] = True
    connection.set_session(data)


def end_session(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    """Sign out: the row is deleted and the cookie expired."""
    connection.clear_session()


class SessionBackend(ServerSideSessionBackend):
    async def load_from_connection(self, connection: ASGIConnection[Any, Any, Any, Any]) -> dict[str, Any]:
        data = await super().load_from_connection(connection)
        connection.scope.setdefault("state", {})[LOADED_KEY] = dict(data)
        return data

    def _cookie(self, value: str, *, expire: bool = False) -> str:
        config = self.config
        cookie = Cookie(
            key=config.key,
            value=value,
            path=config.path,
            domain=config.domain,
            secure=config.secure,
            httponly=config.httponly,
            samesite=config.samesite,
            max_age=0 if expire else config.max_age,
            expires=0 if expire else None,
        )
        return cookie.to_header(header="")

    async def store_in_message(
        self, scope_session: ScopeSession, message: Message, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> None:
        state = connection.scope.get("state", {})
        store = self.config.get_store_from_app(connection.scope["app"])
        headers = MutableScopeHeaders.from_message(message)
        current = connection.cookies.get(self.config.key)
        current = current if current and current != "null" else None
        if scope_session is Empty or not scope_session:
            if current is not None:
                await self.delete(current, store)
                headers.add("Set-Cookie", self._cookie("null", expire=True))
            return
        rotate = bool(state.get(ROTATE_KEY))
        if current is not None and not rotate and scope_session == state.get(LOADED_KEY):
            return
        if current is not None and rotate:
            await self.delete(current, store)
        session_id = current if current is not None and not rotate else self.generate_session_id()
        await self.set(session_id, self.serialize_data(scope_session, connection.scope), store)
        headers.add("Set-Cookie", self._cookie(session_id))


@dataclass
class SessionConfig(ServerSideSessionConfig):
    _backend_class = SessionBackend


def session_config(*, secure: bool) -> SessionConfig:
    return SessionConfig(
        key=COOKIE_NAME,
        store=STORE_NAME,
        max_age=MAX_AGE_SECONDS,
        httponly=True,
        samesite="lax",
        secure=secure,
        exclude=NOT_FOR,
    )
