"""Password-reset tokens (by digest)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.platform.db.types import utcnow
from mlconnector.tenants.models import PasswordReset


async def insert(session: AsyncSession, user_id: uuid.UUID, token_hash: str, expires_at: datetime) -> None:
    session.add(PasswordReset(user_id=user_id, token_hash=token_hash, expires_at=expires_at))
    await session.flush()


async def usable_by_hash(session: AsyncSession, token_hash: str) -> PasswordReset | None:
    statement = select(PasswordReset).where(
        PasswordReset.token_hash == token_hash, PasswordReset.used_at.is_(None), PasswordReset.expires_at > utcnow()
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def use_all_of_user(session: AsyncSession, user_id: uuid.UUID) -> None:
    """Spend every outstanding reset token of the user (the one just used and any older ones)."""
    await session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user_id, PasswordReset.used_at.is_(None))
        .values(used_at=utcnow())
    )
