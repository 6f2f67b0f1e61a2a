"""Memberships: which users belong to a tenant, with which role."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.tenants.models import Membership, Tenant, User


async def insert(session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID, role: str) -> Membership:
    membership = Membership(tenant_id=tenant_id, user_id=user_id, role=role)
    session.add(membership)
    await session.flush()
    return membership


async def role_of(session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID) -> str | None:
    statement = select(Membership.role).where(Membership.tenant_id == tenant_id, Membership.user_id == user_id)
    return (await session.execute(statement)).scalar_one_or_none()


async def members(session: AsyncSession, tenant_id: uuid.UUID) -> list[tuple[Membership, str]]:
    statement = (
        select(Membership, User.email)
        .join(User, User.id == Membership.user_id)
        .where(Membership.tenant_id == tenant_id)
        .order_by(Membership.created_at)
    )
    return [(membership, email) for membership, email in (await session.execute(statement)).all()]


async def by_id(session: AsyncSession, tenant_id: uuid.UUID, membership_id: uuid.UUID) -> Membership | None:
    statement = select(Membership).where(Membership.tenant_id == tenant_id, Membership.id == membership_id)
    return (await session.execute(statement)).scalar_one_or_none()


async def count_owners(session: AsyncSession, tenant_id: uuid.UUID) -> int:
    statement = select(func.count()).where(Membership.tenant_id == tenant_id, Membership.role == "owner")
    return (await session.execute(statement)).scalar_one()


async def remove(session: AsyncSession, tenant_id: uuid.UUID, membership_id: uuid.UUID) -> None:
    await session.execute(delete(Membership).where(Membership.tenant_id == tenant_id, Membership.id == membership_id))


async def tenants_of_user(session: AsyncSession, user_id: uuid.UUID) -> list[tuple[Tenant, str]]:
    """The tenants a user belongs to — a *system* session's lookup, the one a sign-in needs before it knows
    which tenant it acts for. Returns only the user's own memberships."""
    statement = (
        select(Tenant, Membership.role)
        .join(Membership, Membership.tenant_id == Tenant.id)
        .where(Membership.user_id == user_id)
        .order_by(Tenant.name)
    )
    return [(tenant, role) for tenant, role in (await session.execute(statement)).all()]
