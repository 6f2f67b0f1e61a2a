"""The inbox where a deferred sink reports how a delivery ended."""

from __future__ import annotations

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.platform.db import tenancy
from mlconnector.platform.jobs.queue import enqueue
from mlconnector.platform.plugins.plan import Outcome
from mlconnector.platform.sync.models import SinkOutcomeRow


async def report_outcome(session: AsyncSession, *, sink: str, document_key: str, outcome: Outcome) -> None:
    """Record, in the caller's transaction and for the session's tenant, how the delivery of ``document_key`` ended.

    Call it in the same transaction that records the outside system's answer, so the two can never disagree.
    """
    tenant_id = tenancy.require_tenant(session.sync_session)
    if outcome.status == "deferred":
        raise ValueError("report a final outcome (posted, held or failed), not 'deferred'")
    row = SinkOutcomeRow(
        tenant_id=tenant_id,
        sink=sink,
        document_key=document_key,
        status=outcome.status,
        outcome=msgspec.to_builtins(outcome),
    )
    session.add(row)
    await session.flush()
    await enqueue(session, "sync.settle", tenant_id=tenant_id, dedup_key=f"settle:{tenant_id}:{row.id}")
