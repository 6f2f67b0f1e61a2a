"""The per-tenant planning lock: a plan made from stale lists or settings can never outlive the release of holds.

A document is held ("SKU 24-MB01 has no QuickBooks item") by a planner that read the books' item list and the
tenant's settings; holds are released when the list arrives or a person maps the SKU. Without a lock the two race:
a planner reads the old list, the release runs and finds nothing to release, then the planner commits its hold —
and the document waits forever. So planners take this lock *shared* and every release takes it *exclusive*: a
release waits for the planners in flight (whose holds it then sees), and planners that start later read the new
list.

PostgreSQL: transaction-scoped advisory locks keyed by the tenant. SQLite has one writer at a time, so both
modes take the database's write lock at once (a write that changes nothing), and hold it until commit.
"""

from __future__ import annotations

import uuid

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.platform.db import tenancy

_NAMESPACE = 0x6D6C63  # "mlc": keeps our advisory keys apart from anyone else's on a shared server
_SQLITE_WRITE_LOCK = text("UPDATE documents SET id = id WHERE 1 = 0")


def lock_key(tenant_id: uuid.UUID) -> int:
    """A signed 64-bit advisory-lock key for the tenant (a collision only serialises two tenants' planning)."""
    return int.from_bytes(tenant_id.bytes[:8], "big", signed=True) ^ _NAMESPACE


async def _take(session: AsyncSession, function: str) -> None:
    tenant_id = tenancy.require_tenant(session.sync_session)
    if session.bind.dialect.name == "postgresql":
        await session.execute(text(f"SELECT {function}(:key)"), {"key": lock_key(tenant_id)})
    else:
        await session.execute(_SQLITE_WRITE_LOCK)


async def planning(session: AsyncSession) -> None:
    """Taken by a planner before it reads anything a hold depends on; held until its transaction ends."""
    await _take(session, "pg_advisory_xact_lock_shared")


async def releasing(session: AsyncSession) -> None:
    """Taken before releasing holds: waits for every planner in flight of this tenant."""
    await _take(session, "pg_advisory_xact_lock")
