"""Tenants. Their row-level security compares the row's own ``id`` with the transaction's tenant."""

from __future__ import annotations

import uuid

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.tenants.models import Membership, Tenant


async def insert(
    session: AsyncSession, tenant_id: uuid.UUID, slug: str, name: str, *, is_sandbox: bool = False
) -> Tenant:
    tenant = Tenant(id=tenant_id, slug=slug, name=name, is_sandbox=is_sandbox)
    session.add(tenant)
    await session.flush()
    return tenant


async def get(session: AsyncSession, tenant_id: uuid.UUID) -> Tenant | None:
    return (await session.execute(select(Tenant).where(Tenant.id == tenant_id))).scalar_one_or_none()


async def find(session: AsyncSession, slug_or_id: str) -> Tenant | None:
    """By slug or id — a *system* session's lookup (operator CLI), since it must find the tenant first."""
    try:
        as_id = uuid.UUID(slug_or_id)
    except ValueError:
        as_id = None
    condition = Tenant.slug == slug_or_id if as_id is None else or_(Tenant.slug == slug_or_id, Tenant.id == as_id)
    return (await session.execute(select(Tenant).where(condition))).scalar_one_or_none()


async def all_with_member_counts(session: AsyncSession) -> list[tuple[Tenant, int]]:
    """Every tenant (system session: operator CLI)."""
    members = select(Membership.tenant_id, func.count().label("members")).group_by(Membership.tenant_id).subquery()
    statement = (
        select(Tenant, func.coalesce(members.c.members, 0))
        .outerjoin(members, members.c.tenant_id == Tenant.id)
        .order_by(Tenant.created_at, Tenant.slug)
    )
    return [(tenant, count) for tenant, count in (await session.execute(statement)).all()]
