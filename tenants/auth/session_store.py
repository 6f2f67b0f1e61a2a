"""A Litestar ``Store`` for sign-in sessions, kept in the database.

Why the database and not Redis: the embedded default has no Redis, and sessions must work across processes in
both shapes; one store means one tested code path. It also keeps the project's rule that a flushed Redis loses
nothing (nobody is signed out). Rows are keyed by SHA-256 of the session id, so a copy of the table cannot be
replayed as cookies; expired rows are purged as new sessions are written.
"""

from __future__ import annotations

import hashlib
import time
from datetime import timedelta

from litestar.stores.base import Store

from mlconnector.platform.db.engine import Database
from mlconnector.platform.db.types import utcnow
from mlconnector.tenants.repositories import web_sessions

PURGE_EVERY_SECONDS = 600


def _key(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def _seconds(value: int | timedelta | None) -> float | None:
    if value is None:
        return None
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class DatabaseSessionStore(Store):
    """Sessions in the ``web_sessions`` table (no tenant: a session belongs to a user, who may have several)."""

    __slots__ = ("_last_purge", "database")

    def __init__(self, database: Database) -> None:
        self.database = database
        self._last_purge = 0.0

    async def set(self, key: str, value: str | bytes, expires_in: int | timedelta | None = None) -> None:
        seconds = _seconds(expires_in)
        expires_at = utcnow() + timedelta(seconds=seconds) if seconds else None
        data = value.encode() if isinstance(value, str) else value
        async with self.database.session(None) as session:
            await web_sessions.put(session, _key(key), data, expires_at)
            if time.monotonic() - self._last_purge > PURGE_EVERY_SECONDS:
                self._last_purge = time.monotonic()
                await web_sessions.remove_expired(session)

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        async with self.database.session(None) as session:
            row = await web_sessions.get(session, _key(key))
            if row is None:
                return None
            seconds = _seconds(renew_for)
            if seconds and row.expires_at is not None:
                await web_sessions.renew(session, row.key_hash, utcnow() + timedelta(seconds=seconds))
            return row.data

    async def delete(self, key: str) -> None:
        async with self.database.session(None) as session:
            await web_sessions.remove(session, _key(key))

    async def delete_all(self) -> None:
        async with self.database.session(None) as session:
            await web_sessions.remove_all(session)

    async def exists(self, key: str) -> bool:
        return await self.get(key) is not None

    async def expires_in(self, key: str) -> int | None:
        async with self.database.session(None) as session:
            row = await web_sessions.get(session, _key(key))
        if row is None or row.expires_at is None:
            return None
        return int((row.expires_at - utcnow()).total_seconds())
