"""One database handle per process (or per event loop): engine, session factory and a readiness check."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

from mlconnector.platform.db import tenancy

SQLITE_BUSY_TIMEOUT_MS = 30_000


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets readers run beside one writer; the busy timeout queues writers instead of failing them."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def build_engine(url: str, *, pool_size: int = 10, null_pool: bool = False) -> AsyncEngine:
    """An async engine for PostgreSQL (asyncpg) or SQLite (aiosqlite) with the settings each needs."""
    parsed = make_url(url)
    # PostgreSQL: test each pooled connection as it is handed out, so after a database restart or failover the
    # next request reconnects instead of failing on a connection the server already closed (one cheap round trip).
    options: dict[str, Any] = {"pool_pre_ping": parsed.get_backend_name() != "sqlite"}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        options["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
    elif not null_pool:
        options.update(pool_size=pool_size, max_overflow=pool_size, pool_recycle=1800)
    if null_pool:
        options["poolclass"] = NullPool
    engine = create_async_engine(url, **options)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


class Database:
    """The engine and session factory of one process or event loop.

    Sessions come from :meth:`session` already bound to a tenant, or from :meth:`system_session` for the few
    cross-tenant tasks (sweeper, scheduler, operator commands).
    """

    def __init__(self, url: str, *, pool_size: int = 10, null_pool: bool = False) -> None:
        self.url = url
        self.engine = build_engine(url, pool_size=pool_size, null_pool=null_pool)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def open(self, tenant_id: uuid.UUID | None = None, *, system: bool = False) -> AsyncSession:
        """A new session; the caller owns commit and close."""
        session = self.sessions()
        tenancy.bind(session.sync_session, tenant_id, system=system)
        return session

    @asynccontextmanager
    async def session(self, tenant_id: uuid.UUID | None) -> AsyncIterator[AsyncSession]:
        """A tenant-bound unit of work: committed when the block ends normally, rolled back otherwise."""
        async with self.open(tenant_id) as session, session.begin():
            yield session

    @asynccontextmanager
    async def system_session(self) -> AsyncIterator[AsyncSession]:
        """A cross-tenant unit of work for the core's own maintenance; never for a request."""
        async with self.open(None, system=True) as session, session.begin():
            yield session

    async def ping(self) -> None:
        """Raise if the database cannot answer a trivial query."""
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()
