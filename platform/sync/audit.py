"""The audit trail: every step of every document, appended (the database refuses changes), searchable."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.platform.db import tenancy
from mlconnector.platform.db.types import utcnow
from mlconnector.platform.redaction import redact
from mlconnector.platform.sync.models import AuditEvent

SYSTEM = "system"


async def record_audit(
    session: AsyncSession,
    *,
    action: str,
    document_key: str | None = None,
    number: str | None = None,
    order_number: str | None = None,
    source_ids: Mapping[str, Any] | None = None,
    sink_ids: Mapping[str, Any] | None = None,
    detail: Mapping[str, Any] | None = None,
    request: str | None = None,
    response: str | None = None,
    actor: str = SYSTEM,
) -> None:
    """Append one step for the session's tenant, in the caller's transaction. Text passes through
    :func:`redact`, so a secret that slipped into a message never reaches the trail."""
    session.add(
        AuditEvent(
            tenant_id=tenancy.require_tenant(session.sync_session),
            at=utcnow(),
            actor=actor,
            action=action,
            document_key=document_key,
            number=number,
            order_number=order_number,
            source_ids=dict(source_ids or {}),
            sink_ids=dict(sink_ids or {}),
            detail={key: redact(value) if isinstance(value, str) else value for key, value in (detail or {}).items()},
            request=redact(request) if request else None,
            response=redact(response) if response else None,
        )
    )


async def search_audit(
    session: AsyncSession,
    *,
    number: str | None = None,
    document_key: str | None = None,
    limit: int = 200,
    before_id: int | None = None,
) -> list[AuditEvent]:
    """Steps for an order/invoice/credit-memo number (matching the document's own number or its order's), or for
    one document, oldest first; page backwards with ``before_id``."""
    tenant_id = tenancy.require_tenant(session.sync_session)
    statement = select(AuditEvent).where(AuditEvent.tenant_id == tenant_id)
    if number is not None:
        statement = statement.where(or_(AuditEvent.number == number, AuditEvent.order_number == number))
    if document_key is not None:
        statement = statement.where(AuditEvent.document_key == document_key)
    if before_id is not None:
        statement = statement.where(AuditEvent.id < before_id)
    rows = (await session.execute(statement.order_by(AuditEvent.id.desc()).limit(limit))).scalars().all()
    return list(reversed(rows))
