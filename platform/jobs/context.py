"""What a job handler gets: its job's data and a tenant-bound session whose commit also finishes the job."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.platform.db.engine import Database


@dataclass(slots=True)
class JobContext:
    """One attempt at one job.

    Everything written through :attr:`session` commits in the same transaction that marks the job done, so a job
    that dies half-way leaves no half-done writes and simply runs again.
    """

    job_id: uuid.UUID
    tenant_id: uuid.UUID | None
    kind: str
    payload: dict[str, Any]
    attempt: int
    session: AsyncSession
    database: Database

    async def enqueue(self, kind: str, payload: dict[str, Any] | None = None, **options: Any) -> uuid.UUID | None:
        """Queue follow-up work in the same transaction (it is dispatched only if this job commits)."""
        from mlconnector.platform.jobs.queue import enqueue

        return await enqueue(self.session, kind, payload=payload, tenant_id=self.tenant_id, **options)
