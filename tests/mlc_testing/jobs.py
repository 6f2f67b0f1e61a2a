"""Helpers for job tests: wait for a job to reach a state, read its row."""

from __future__ import annotations

import asyncio
import time
import uuid

from sqlalchemy import select

from mlconnector.platform.db.engine import Database
from mlconnector.platform.jobs.models import Job


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
