"""The inbox where a deferred sink reports how a delivery ended."""

from __future__ import annotations

from collections.abc import Mapping

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.platform.db import tenancy
from mlconnector.platform.db.types import utcnow
from mlconnector.platform.jobs.queue import enqueue
from mlconnector.platform.plugins.plan import Outcome
from mlconnector.platform.sync.models import SinkOutcomeRow
from mlconnector.platform.sync.settle import SETTLE_JOB

_INSERT = SinkOutcomeRow.__table__.insert()


async def report_outcome(session: AsyncSession, *, sink: str, document_key: str, outcome: Outcome) -> None:
    """Record, in the caller's transaction and for the session's tenant, how the delivery of ``document_key`` ended.

    Call it in the same transaction that records the outside system's answer, so the two can never disagree.
    """
    await report_outcomes(session, sink=sink, outcomes={document_key: outcome})


async def report_outcomes(session: AsyncSession, *, sink: str, outcomes: Mapping[str, Outcome]) -> None:
    """:func:`report_outcome` for many documents at once (document key → outcome): one insert and one wake-up of
    the settling job, however many documents one answer finished (added in plugin API 1.4)."""
    tenant_id = tenancy.require_tenant(session.sync_session)
    if any(outcome.status == "deferred" for outcome in outcomes.values()):
        raise ValueError("report a final outcome (posted, held or failed), not 'deferred'")
    if not outcomes:
        return
    now = utcnow()
    rows = [
        {
            "tenant_id": tenant_id,
            "sink": sink,
            "document_key": key,
            "status": outcome.status,
            "outcome": msgspec.to_builtins(outcome),
            "reported_at": now,
        }
        for key, outcome in outcomes.items()
    ]
    connection = await session.connection()
    await connection.execute(_INSERT, rows)
    await enqueue(session, SETTLE_JOB, tenant_id=tenant_id)
