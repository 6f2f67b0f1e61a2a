"""Helpers for job tests: wait for a job to reach a state, read its row, count a tenant's busy jobs."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Collection
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from mlconnector.platform.db.engine import Database
from mlconnector.platform.jobs.models import QUEUED, RUNNING, Job


async def job_row(database: Database, job_id: uuid.UUID) -> Job:
    async with database.system_session() as session:
        return (await session.execute(select(Job).where(Job.id == job_id))).scalar_one()


async def wait_for_state(database: Database, job_id: uuid.UUID, *states: str, timeout: float = 20.0) -> Job:
    deadline = time.monotonic() + timeout
    while True:
        job = await job_row(database, job_id)
        if job.state in states:
            return job
        if time.monotonic() > deadline:
            raise AssertionError(f"job {job_id} stayed {job.state} (attempts={job.attempts}, error={job.last_error})")
        await asyncio.sleep(0.05)


async def busy_jobs(database: Database, tenant_id: uuid.UUID, *, ignore_kinds: Collection[str] = ()) -> int:
    """How many of the tenant's jobs are running or due within two seconds (zero: the engine has settled)."""
    query = (
        select(func.count())
        .select_from(Job)
        .where(
            Job.tenant_id == tenant_id,
            Job.state.in_((QUEUED, RUNNING)),
            Job.run_after <= datetime.now(UTC) + timedelta(seconds=2),
        )
    )
    if ignore_kinds:
        query = query.where(Job.kind.not_in(tuple(ignore_kinds)))
    async with database.system_session() as session:
        return (await session.execute(query)).scalar_one()
