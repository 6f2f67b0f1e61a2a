"""Invitations to join a tenant."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.platform.db.types import utcnow
from mlconnector.tenants.models import Invitation


async def insert(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    *,
    email: str,
    role: str,
    token_hash: str,
    invited_by: uuid.UUID | None,
    expires_at: datetime,
) -> Invitation:
    invitation = Invitation(
        tenant_id=tenant_id, email=email, role=role, token_hash=token_hash, invited_by=invited_by, expires_at=expires_at
    )
    session.add(invitation)
    await session.flush()
    return invitation


async def by_token_hash(session: AsyncSession, tenant_id: uuid.UUID, token_hash: str) -> Invitation | None:
    statement = select(Invitation).where(Invitation.tenant_id == tenant_id, Invitation.token_hash == token_hash)
    return (await session.execute(statement)).scalar_one_or_none()


async def pending(session: AsyncSession, tenant_id: uuid.UUID) -> list[Invitation]:
    statement = (
        select(Invitation)
        .where(
            Invitation.tenant_id == tenant_id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > utcnow(),
        )
        .order_by(Invitation.created_at)
    )
    return list((await session.execute(statement)).scalars())


async def revoke(session: AsyncSession, tenant_id: uuid.UUID, invitation_id: uuid.UUID) -> bool:
    result = await session.execute(
        update(Invitation)
        .where(
            Invitation.tenant_id == tenant_id,
            Invitation.id == invitation_id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .values(revoked_at=utcnow())
    )
    return result.rowcount == 1


async def mark_accepted(session: AsyncSession, tenant_id: uuid.UUID, invitation_id: uuid.UUID) -> bool:
    """Once only: ``False`` when it was accepted (or revoked) meanwhile."""
    result = await session.execute(
        update(Invitation)
        .where(
            Invitation.tenant_id == tenant_id,
            Invitation.id == invitation_id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .values(accepted_at=utcnow())
    )
    return result.rowcount == 1
