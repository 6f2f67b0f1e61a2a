"""Running the engine's jobs in-process for a test, and waiting for documents to settle."""

from __future__ import annotations

import asyncio
import time

from sqlalchemy import select

from mlconnector.platform.db.engine import Database
from mlconnector.platform.sync.models import DocumentRow

FAST_JOBS = {
    "MLC_JOB_SWEEP_SECONDS": "0.1",
    "MLC_JOB_REDISPATCH_SECONDS": "1",
    "MLC_JOB_MIN_BACKOFF_MS": "20",
    "MLC_JOB_MAX_BACKOFF_MS": "200",
    "MLC_JOB_LEASE_SECONDS": "5",
    "MLC_WORKER_THREADS": "2",
}


async def documents_by_key(database: Database, tenant_id) -> dict[str, DocumentRow]:
    async with database.session(tenant_id) as session:
        rows = (await session.execute(select(DocumentRow).where(DocumentRow.tenant_id == tenant_id))).scalars()
        return {row.key: row for row in rows}


async def wait_for_documents(
    database: Database, tenant_id, expected: dict[str, str], timeout: float = 20.0
) -> dict[str, DocumentRow]:
    """Wait until each key in ``expected`` has the given state."""
    deadline = time.monotonic() + timeout
    while True:
        rows = await documents_by_key(database, tenant_id)
        if all(key in rows and rows[key].state == state for key, state in expected.items()):
            return rows
        if time.monotonic() > deadline:
            seen = {key: (rows[key].state, rows[key].hold_reason) if key in rows else None for key in expected}
            raise AssertionError(f"documents did not settle: {seen}")
        await asyncio.sleep(0.05)
