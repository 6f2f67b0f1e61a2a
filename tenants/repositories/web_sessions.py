"""Sign-in session rows, keyed by the digest of the session id."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.platform.db.insert import dialect_insert
from mlconnector.platform.db.types import utcnow
from mlconnector.tenants.models import WebSession


async def get(session: AsyncSession, key_hash: str) -> WebSession | None:
    """The live (unexpired) row."""
    now = utcnow()
    statement = select(WebSession).where(
        WebSession.key_hash == key_hash, (WebSession.expires_at.is_(None)) | (WebSession.expires_at > now)
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def put(session: AsyncSession, key_hash: str, data: bytes, expires_at: datetime | None) -> None:
    statement = dialect_insert(session, WebSession).values(key_hash=key_hash, data=data, expires_at=expires_at)
    statement = statement.on_conflict_do_update(
        index_elements=["key_hash"], set_={"data": data, "expires_at": expires_at}
    )
    await session.execute(statement)


async def renew(session: AsyncSession, key_hash: str, expires_at: datetime) -> None:
    await session.execute(
        update(WebSession)
        .where(WebSession.key_hash == key_hash, WebSession.expires_at.is_not(None))
        .values(expires_at=expires_at)
    )


async def remove(session: AsyncSession, key_hash: str) -> None:
    await session.execute(delete(WebSession).where(WebSession.key_hash == key_hash))


async def remove_all(session: AsyncSession) -> None:
    await session.execute(delete(WebSession))


async def remove_expired(session: AsyncSession) -> int:
    result = await session.execute(delete(WebSession).where(WebSession.expires_at <= utcnow()))
    return result.rowcount or 0
