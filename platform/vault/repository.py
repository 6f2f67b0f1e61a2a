"""Every SQL statement the vault runs. Tenant-scoped statements filter by the tenant explicitly (wall 1)."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.platform.db.insert import dialect_insert
from mlconnector.platform.db.types import utcnow
from mlconnector.platform.vault.models import TenantKey


async def key_of_tenant(session: AsyncSession, tenant_id: uuid.UUID) -> TenantKey | None:
    return (await session.execute(select(TenantKey).where(TenantKey.tenant_id == tenant_id))).scalar_one_or_none()


async def key_by_id(session: AsyncSession, tenant_id: uuid.UUID, key_id: uuid.UUID) -> TenantKey | None:
    statement = select(TenantKey).where(TenantKey.tenant_id == tenant_id, TenantKey.id == key_id)
    return (await session.execute(statement)).scalar_one_or_none()


async def insert_key(
    session: AsyncSession, tenant_id: uuid.UUID, key_id: uuid.UUID, kek_id: str, wrapped: bytes
) -> bool:
    """Store a new data key unless the tenant already has one; ``True`` when this one was stored."""
    statement = (
        dialect_insert(session, TenantKey)
        .values(tenant_id=tenant_id, id=key_id, kek_id=kek_id, wrapped=wrapped, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["tenant_id"])
        .returning(TenantKey.id)
    )
    return (await session.execute(statement)).scalar_one_or_none() is not None


async def keys_to_rewrap(session: AsyncSession, active_kek_id: str, limit: int) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """``(tenant_id, key_id)`` of data keys not yet under the active KEK (a system session's lookup)."""
    statement = (
        select(TenantKey.tenant_id, TenantKey.id)
        .where(TenantKey.kek_id != active_kek_id)
        .order_by(TenantKey.tenant_id)
        .limit(limit)
    )
    return [(row.tenant_id, row.id) for row in (await session.execute(statement)).all()]


async def lock_key(session: AsyncSession, tenant_id: uuid.UUID, key_id: uuid.UUID) -> TenantKey | None:
    statement = (
        select(TenantKey).where(TenantKey.tenant_id == tenant_id, TenantKey.id == key_id).with_for_update()
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def replace_wrapping(
    session: AsyncSession, tenant_id: uuid.UUID, key_id: uuid.UUID, old_kek_id: str, new_kek_id: str, wrapped: bytes
) -> bool:
    """Swap the wrapped key, only if it is still under ``old_kek_id`` (so a concurrent rotation does it once)."""
    result = await session.execute(
        update(TenantKey)
        .where(TenantKey.tenant_id == tenant_id, TenantKey.id == key_id, TenantKey.kek_id == old_kek_id)
        .values(kek_id=new_kek_id, wrapped=wrapped, rewrapped_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


async def count_by_kek(session: AsyncSession) -> dict[str, int]:
    rows = (await session.execute(select(TenantKey.kek_id, func.count()).group_by(TenantKey.kek_id))).all()
    return {kek_id: count for kek_id, count in rows}
