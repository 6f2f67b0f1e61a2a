"""A tenant's sync status at a glance: documents by state, queue depth, holds, last reads, cursors."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.platform.db import tenancy
from mlconnector.platform.jobs.models import QUEUED, RUNNING, Job
from mlconnector.platform.sync import documents
from mlconnector.platform.sync.models import DocumentRow, ReadCursor

HOLD_LIMIT = 50


async def tenant_status(session: AsyncSession) -> dict[str, Any]:
    tenant_id = tenancy.require_tenant(session.sync_session)
    queue_depth = (
        await session.execute(
            select(func.count()).select_from(Job).where(Job.tenant_id == tenant_id, Job.state.in_((QUEUED, RUNNING)))
        )
    ).scalar_one()
    holds = (
        await session.execute(
            select(
                DocumentRow.key,
                DocumentRow.number,
                DocumentRow.state,
                DocumentRow.hold_code,
                DocumentRow.hold_reason,
                DocumentRow.hold_subject,
            )
            .where(DocumentRow.tenant_id == tenant_id, DocumentRow.state.in_((documents.HELD, documents.FAILED)))
            .order_by(DocumentRow.updated_at.desc())
            .limit(HOLD_LIMIT)
        )
    ).all()
    cursors = (
        (
            await session.execute(
                select(ReadCursor)
                .where(ReadCursor.tenant_id == tenant_id)
                .order_by(ReadCursor.source, ReadCursor.stream)
            )
        )
        .scalars()
        .all()
    )
    return {
        "documents": await documents.count_by_state(session),
        "queue_depth": queue_depth,
        "holds": [
            {
                "key": h.key,
                "number": h.number,
                "state": h.state,
                "code": h.hold_code,
                "reason": h.hold_reason,
                "subject": h.hold_subject,
            }
            for h in holds
        ],
        "last_read_at": max((c.updated_at for c in cursors), default=None),
        "cursors": [
            {
                "source": c.source,
                "stream": c.stream,
                "cursor": c.cursor,
                "records_read": c.records_read,
                "updated_at": c.updated_at,
            }
            for c in cursors
        ],
    }
