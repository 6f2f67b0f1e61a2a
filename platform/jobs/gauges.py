"""The job system's scrape-time gauges: jobs by state, and queue depth per tenant (read from the ``jobs`` table)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.platform.jobs import repository
from mlconnector.platform.observability.gauges import SYSTEM_TENANT, Sample, scrape_gauges


@scrape_gauges.sampler("mlc_jobs")
async def jobs_by_state(session: AsyncSession) -> Iterable[Sample]:
    return [({"state": state}, count) for state, count in (await repository.count_by_state(session)).items()]


@scrape_gauges.sampler("mlc_job_queue_depth")
async def queue_depth(session: AsyncSession) -> Iterable[Sample]:
    depth = await repository.queue_depth_by_tenant(session)
    return [({"tenant_id": str(tenant) if tenant else SYSTEM_TENANT}, count) for tenant, count in depth.items()]
