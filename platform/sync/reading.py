"""The ``sync.read`` job: read every stream of a tenant's source connection (scheduled, or on demand)."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.platform.bootstrap import current_plugins
from mlconnector.platform.jobs import repository as jobs_repository
from mlconnector.platform.jobs.context import JobContext
from mlconnector.platform.jobs.errors import PermanentJobError
from mlconnector.platform.plugins.base import SourcePlugin
from mlconnector.platform.sync.connections import connection_for
from mlconnector.platform.sync.ingest import ingest
from mlconnector.platform.sync.sync_settings import DEFAULT_READ_MINUTES, get_sync_settings

READ_JOB = "sync.read"
DEFAULT_INTERVAL_SECONDS = DEFAULT_READ_MINUTES * 60
"""A tenant's read interval until it chooses one (``read_interval_minutes``)."""


def schedule_name(tenant_id: uuid.UUID) -> str:
    return f"read:{tenant_id}"


async def ensure_read_schedule(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    *,
    interval_seconds: int | None = None,
    enabled: bool = True,
) -> None:
    """Read the tenant's source every ``interval_seconds`` — by default the tenant's ``read_interval_minutes``
    sync setting — each tick running once across all workers."""
    if interval_seconds is None:
        interval_seconds = (await get_sync_settings(session)).read_interval_minutes * 60
    await jobs_repository.upsert_schedule(
        session,
        name=schedule_name(tenant_id),
        kind=READ_JOB,
        interval_seconds=interval_seconds,
        tenant_id=tenant_id,
        enabled=enabled,
    )


async def reschedule_reads(session: AsyncSession, tenant_id: uuid.UUID, minutes: int) -> None:
    """A changed read interval applies to the tenant's existing schedule (a tenant with no source connected has
    none yet; connecting one creates it with the setting)."""
    await jobs_repository.set_schedule_interval(session, schedule_name(tenant_id), minutes * 60)


async def read_tenant_source(context: JobContext) -> None:
    """Ingest each stream the source declares (or the one in the payload), in its own transactions."""
    assert context.tenant_id is not None
    plugins = current_plugins()
    async with context.database.session(context.tenant_id) as session:
        connection = await connection_for(session, plugins, context.tenant_id, "source")
    if connection is None:
        raise PermanentJobError("this tenant has no source connection; connect Adobe Commerce first")
    source = plugins.get(connection.plugin)
    if not isinstance(source, SourcePlugin):
        raise PermanentJobError(f"plugin {connection.plugin!r} is not a source")
    streams = [context.payload["stream"]] if context.payload.get("stream") else list(source.streams)
    for stream in streams:
        await ingest(context.database, source, context.tenant_id, stream, config=connection.config)
