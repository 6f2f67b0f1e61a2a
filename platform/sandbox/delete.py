"""Deleting a sandbox tenant: its simulated store, simulated books, documents, jobs and schedules, all at once.

Only a tenant flagged as a sandbox from its first row can be deleted here; a real organisation's books history is
never removed by this path. The audit trail is append-only in the database itself, so its rows stay (unreachable,
since the tenant is gone); everything else goes with the tenant row (foreign keys cascade) or is removed here (jobs
and schedules, which name a tenant without a foreign key).
"""

from __future__ import annotations

import uuid

from sqlalchemy import delete

from mlconnector.platform.db.engine import Database
from mlconnector.platform.errors import Forbidden, NotFound
from mlconnector.platform.jobs.models import Job, Schedule
from mlconnector.tenants.models import Tenant
from mlconnector.tenants.repositories import tenants

NOT_A_SANDBOX = "Only a sandbox can be deleted this way; this organisation's books history is kept."


async def delete_sandbox(database: Database, tenant_id: uuid.UUID) -> str:
    """Delete the sandbox ``tenant_id`` in one transaction; its name. :class:`Forbidden` for a real tenant."""
    async with database.system_session() as session:
        tenant = await tenants.get(session, tenant_id)
        if tenant is None:
            raise NotFound("No such organisation.")
        if not tenant.is_sandbox:
            raise Forbidden(NOT_A_SANDBOX)
        name = tenant.name
        await session.execute(delete(Schedule).where(Schedule.tenant_id == tenant_id))
        await session.execute(delete(Job).where(Job.tenant_id == tenant_id))
        await session.execute(delete(Tenant).where(Tenant.id == tenant_id))
    return name
