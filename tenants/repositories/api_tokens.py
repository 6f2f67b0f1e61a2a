"""API tokens of a tenant."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.platform.db.types import utcnow
from mlconnector.tenants.models import ApiToken


async def insert(
    session: AsyncSession, tenant_id: uuid.UUID, *, name: str, scope: str, token_hash: str, created_by: uuid.UUID | None
) -> ApiToken:
    token = ApiToken(tenant_id=tenant_id, name=name, scope=scope, token_hash=token_hash, created_by=created_by)
    session.add(token)
    await session.flush()
    return token


async def active(session: AsyncSession, tenant_id: uuid.UUID) -> list[ApiToken]:
    statement = (
        select(ApiToken)
        .where(ApiToken.tenant_id == tenant_id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.created_at)
    )
    return list((await session.execute(statement)).scalars())


async def usable_by_hash(session: AsyncSession, tenant_id: uuid.UUID, token_hash: str) -> ApiToken | None:
    statement = select(ApiToken).where(
        ApiToken.tenant_id == tenant_id, ApiToken.token_hash == token_hash, ApiToken.revoked_at.is_(None)
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def revoke(session: AsyncSession, tenant_id: uuid.UUID, token_id: uuid.UUID) -> bool:
    result = await session.execute(
        update(ApiToken)
        .where(ApiToken.tenant_id == tenant_id, ApiToken.id == token_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return result.rowcount == 1


async def touch(session: AsyncSession, tenant_id: uuid.UUID, token_id: uuid.UUID, not_since: datetime) -> None:
    """Record a use, at most once per interval (``last_used_at`` older than ``not_since``), to spare writes."""
    await session.execute(
        update(ApiToken)
        .where(
            ApiToken.tenant_id == tenant_id,
            ApiToken.id == token_id,
            or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at < not_since),
        )
        .values(last_used_at=utcnow())
    )
