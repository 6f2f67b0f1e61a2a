"""Read cursors: saved in the same transaction as the records they follow."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.platform.db import tenancy
from mlconnector.platform.db.types import utcnow
from mlconnector.platform.sync.models import ReadCursor


async def load_cursor(session: AsyncSession, source: str, stream: str) -> str | None:
    tenant_id = tenancy.require_tenant(session.sync_session)
    statement = select(ReadCursor.cursor).where(
        ReadCursor.tenant_id == tenant_id, ReadCursor.source == source, ReadCursor.stream == stream
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def save_cursor(session: AsyncSession, source: str, stream: str, cursor: str | None, records: int) -> None:
    """Upsert the stream's cursor and add ``records`` to its running count."""
    tenant_id = tenancy.require_tenant(session.sync_session)
    insert = postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert
    statement = insert(ReadCursor).values(
        tenant_id=tenant_id, source=source, stream=stream, cursor=cursor, records_read=records, updated_at=utcnow()
    )
    statement = statement.on_conflict_do_update(
        index_elements=["tenant_id", "source", "stream"],
        set_={
            "cursor": statement.excluded.cursor,
            "records_read": ReadCursor.records_read + statement.excluded.records_read,
            "updated_at": statement.excluded.updated_at,
        },
    )
    await session.execute(statement)
