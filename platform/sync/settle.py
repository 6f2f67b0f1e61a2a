"""The ``sync.settle`` job: apply what a deferred sink reported (inbox rows, in order) to its documents."""

from __future__ import annotations

import msgspec
from sqlalchemy import select

from mlconnector.platform.db.types import utcnow
from mlconnector.platform.jobs.context import JobContext
from mlconnector.platform.plugins.plan import Outcome
from mlconnector.platform.sync import documents
from mlconnector.platform.sync.models import SinkOutcomeRow
from mlconnector.platform.sync.outcome import apply_outcome

BATCH = 500
SETTLE_JOB = "sync.settle"


async def settle_outcomes(context: JobContext) -> None:
    """Consume every unconsumed outcome of the tenant, oldest first (a duplicate wake-up finds nothing to do)."""
    session = context.session
    rows = (
        (
            await session.execute(
                select(SinkOutcomeRow)
                .where(SinkOutcomeRow.tenant_id == context.tenant_id, SinkOutcomeRow.consumed_at.is_(None))
                .order_by(SinkOutcomeRow.id)
                .limit(BATCH)
                .with_for_update(skip_locked=True)
            )
        )
        .scalars()
        .all()
    )
    for inbox in rows:
        row = await documents.get_document(session, key=inbox.document_key)
        if row is not None and row.sink in (None, inbox.sink):
            await apply_outcome(session, row, msgspec.convert(inbox.outcome, Outcome))
        inbox.consumed_at = utcnow()
    if len(rows) == BATCH:
        await context.enqueue(SETTLE_JOB, dedup_key=f"settle:{context.tenant_id}:{rows[-1].id}")
