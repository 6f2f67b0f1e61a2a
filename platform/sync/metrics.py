"""The engine's gauges, read at scrape time: documents by tenant and state, holds by tenant and code."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.platform.observability.gauges import Sample, scrape_gauges
from mlconnector.platform.sync import documents
from mlconnector.platform.sync.models import DocumentRow


@scrape_gauges.sampler("mlc_documents")
async def documents_by_state(session: AsyncSession) -> Iterable[Sample]:
    statement = select(DocumentRow.tenant_id, DocumentRow.state, func.count()).group_by(
        DocumentRow.tenant_id, DocumentRow.state
    )
    return [({"tenant_id": str(t), "state": s}, n) for t, s, n in (await session.execute(statement)).all()]


@scrape_gauges.sampler("mlc_holds")
async def holds_by_code(session: AsyncSession) -> Iterable[Sample]:
    statement = (
        select(DocumentRow.tenant_id, DocumentRow.hold_code, func.count())
        .where(DocumentRow.state.in_((documents.HELD, documents.FAILED)))
        .group_by(DocumentRow.tenant_id, DocumentRow.hold_code)
    )
    return [({"tenant_id": str(t), "code": c or "held"}, n) for t, c, n in (await session.execute(statement)).all()]
