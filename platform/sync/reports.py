"""Read-only figures for the dashboard: what was synced per day, and recent activity (indexed queries only)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Date, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.platform.db import tenancy
from mlconnector.platform.sync import documents
from mlconnector.platform.sync.models import DocumentRow


async def posted_per_day(session: AsyncSession, *, days: int, today: date | None = None) -> list[tuple[date, int]]:
    """Documents posted to the books on each of the last ``days`` days (UTC), oldest first, zeros included."""
    tenant_id = tenancy.require_tenant(session.sync_session)
    today = today or datetime.now(UTC).date()
    first = today - timedelta(days=days - 1)
    day = (
        func.date(DocumentRow.posted_at) if session.bind.dialect.name == "sqlite" else cast(DocumentRow.posted_at, Date)
    )
    statement = (
        select(day, func.count())
        .where(
            DocumentRow.tenant_id == tenant_id,
            DocumentRow.state == documents.POSTED,
            DocumentRow.posted_at >= datetime.combine(first, time.min, tzinfo=UTC),
        )
        .group_by(day)
    )
    counts = {
        (value if isinstance(value, date) else date.fromisoformat(value)): count
        for value, count in (await session.execute(statement)).all()
    }
    return [(first + timedelta(days=offset), counts.get(first + timedelta(days=offset), 0)) for offset in range(days)]
