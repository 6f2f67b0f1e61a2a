"""Users (global: a user may belong to several tenants)."""

from __future__ import annotations

import uuid

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.platform.db.types import utcnow
from mlconnector.tenants.models import User


async def by_email(session: AsyncSession, email: str) -> User | None:
    return (await session.execute(select(User).where(User.email == email))).scalar_one_or_none()


async def by_id(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    return (await session.execute(select(User).where(User.id == user_id))).scalar_one_or_none()


async def insert(session: AsyncSession, email: str, password_hash: str) -> User:
    user = User(email=email, password_hash=password_hash, session_version=0)
    session.add(user)
    await session.flush()
    return user


async def replace_password(session: AsyncSession, user_id: uuid.UUID, password_hash: str) -> None:
    """A new password: every existing session of the user stops working (``session_version`` moves on)."""
    await session.execute(
        update(User)
        .where(User.id == user_id)
        .values(password_hash=password_hash, password_changed_at=utcnow(), session_version=User.session_version + 1)
    )


async def upgrade_hash(session: AsyncSession, user_id: uuid.UUID, old_hash: str, new_hash: str) -> None:
    """Same password, stronger parameters; only if nobody changed it meanwhile."""
    await session.execute(
        update(User).where(User.id == user_id, User.password_hash == old_hash).values(password_hash=new_hash)
    )
