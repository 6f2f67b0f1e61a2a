"""Attempt counters: one atomic upsert per attempt, so concurrent requests and processes count correctly."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, case, delete, null, or_, update
from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.platform.db.insert import dialect_insert
from mlconnector.platform.db.types import UTCDateTime, utcnow
from mlconnector.tenants.models import LoginThrottle


def _at(name: str, value: datetime) -> object:
    return bindparam(name, value, type_=UTCDateTime)


async def count_attempt(
    session: AsyncSession, scope: str, key_hash: str, *, limit: int, window: timedelta, lock_for: timedelta
) -> datetime | None:
    """Count one attempt; returns until when the key is locked (``None``: this attempt may proceed).

    A window older than ``window`` (and not locked) starts again at one attempt. The attempt that goes past
    ``limit`` locks the key for ``lock_for``.
    """
    now = utcnow()
    table = LoginThrottle.__table__.c
    stale = and_(
        table.window_started_at < _at("floor", now - window),
        or_(table.locked_until.is_(None), table.locked_until <= _at("now_a", now)),
    )
    still_locked = table.locked_until > _at("now_b", now)
    statement = (
        dialect_insert(session, LoginThrottle)
        .values(scope=scope, key_hash=key_hash, attempts=1, window_started_at=now, locked_until=None)
        .on_conflict_do_update(
            index_elements=["scope", "key_hash"],
            set_={
                "attempts": case((stale, 1), else_=table.attempts + 1),
                "window_started_at": case((stale, _at("now_c", now)), else_=table.window_started_at),
                "locked_until": case(
                    (stale, null()),
                    (still_locked, table.locked_until),
                    (table.attempts + 1 > limit, _at("lock", now + lock_for)),
                    else_=null(),
                ),
            },
        )
        .returning(LoginThrottle.locked_until)
    )
    locked_until = (await session.execute(statement)).scalar_one()
    return locked_until if locked_until is not None and locked_until > now else None


async def give_back(session: AsyncSession, scope: str, key_hash: str) -> None:
    """Undo one counted attempt (it succeeded)."""
    await session.execute(
        update(LoginThrottle)
        .where(LoginThrottle.scope == scope, LoginThrottle.key_hash == key_hash, LoginThrottle.attempts > 0)
        .values(attempts=LoginThrottle.attempts - 1)
    )


async def clear(session: AsyncSession, scope: str, key_hash: str) -> None:
    await session.execute(delete(LoginThrottle).where(LoginThrottle.scope == scope, LoginThrottle.key_hash == key_hash))
