"""Running one job: claim it, run its handler in a tenant-bound transaction, and record how it ended."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import structlog
from dramatiq.common import compute_backoff

from mlconnector.platform.db.engine import Database
from mlconnector.platform.db.types import utcnow
from mlconnector.platform.jobs import queue, repository
from mlconnector.platform.jobs.context import JobContext
from mlconnector.platform.jobs.errors import PermanentJobError, RetryJob, UnknownJobKind
from mlconnector.platform.jobs.registry import JobRegistry
from mlconnector.platform.observability.instruments import record_job_retry
from mlconnector.platform.redaction import redact

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class RunPolicy:
    lease: timedelta
    max_attempts: int
    min_backoff_ms: int
    max_backoff_ms: int


def describe(error: BaseException) -> str:
    """The error as stored on the job row: type and message, secrets masked, bounded."""
    return redact(f"{type(error).__name__}: {error}")[:2000]


@contextlib.asynccontextmanager
async def _heartbeat(database: Database, job_id: uuid.UUID, lease: timedelta) -> AsyncIterator[None]:
    """Keep extending the lease while the handler runs, so a long job is not taken over by another worker."""

    async def beat() -> None:
        while True:
            await asyncio.sleep(max(lease.total_seconds() / 3, 0.05))
            async with database.system_session() as session:
                await repository.extend_lease(session, job_id, lease)

    task = asyncio.create_task(beat())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task


async def run_job(database: Database, registry: JobRegistry, job_id: uuid.UUID, policy: RunPolicy) -> str:
    """Run job ``job_id`` if it is ours to run. Returns what happened: skipped, done, retry, dead, dropped (its
    organisation was deleted while it waited or ran)."""
    async with database.system_session() as session:
        claimed = await repository.claim(session, job_id, policy.lease)
    if claimed is None:
        return "skipped"
    structlog.contextvars.bind_contextvars(tenant_id=str(claimed.tenant_id or ""), job_id=str(job_id), job=claimed.kind)
    try:
        return await _execute(database, registry, claimed, policy)
    finally:
        structlog.contextvars.unbind_contextvars("tenant_id", "job_id", "job")


async def _execute(database: Database, registry: JobRegistry, claimed: repository.ClaimedJob, policy: RunPolicy) -> str:
    try:
        handler = registry.get(claimed.kind)
    except UnknownJobKind as error:
        async with database.system_session() as session:
            await repository.bury(session, claimed.id, str(error))
        return "dead"
    max_attempts = handler.max_attempts or claimed.max_attempts or policy.max_attempts
    try:
        async with _heartbeat(database, claimed.id, policy.lease):
            session = database.open(claimed.tenant_id, system=claimed.tenant_id is None)
            async with session, session.begin():
                context = JobContext(
                    job_id=claimed.id,
                    tenant_id=claimed.tenant_id,
                    kind=claimed.kind,
                    payload=claimed.payload,
                    attempt=claimed.attempts,
                    session=session,
                    database=database,
                )
                await handler.fn(context)
                await repository.finish(session, claimed.id)
        return "done"
    except RetryJob as wait:
        return await _later(database, claimed, wait.delay_seconds, wait.reason, count_attempt=False)
    except PermanentJobError as error:
        log.warning("job failed permanently", error=describe(error))
        async with database.system_session() as session:
            await repository.bury(session, claimed.id, describe(error))
        return "dead"
    except Exception as error:
        if claimed.tenant_id is not None and not await _tenant_exists(database, claimed.tenant_id):
            log.info("job dropped: its organisation was deleted", error=describe(error))
            async with database.system_session() as session:
                await repository.delete(session, claimed.id)
            return "dropped"
        if claimed.attempts >= max_attempts:
            log.error("job failed and has no attempts left", error=describe(error), attempts=claimed.attempts)
            async with database.system_session() as session:
                await repository.bury(session, claimed.id, describe(error))
            return "dead"
        _, backoff_ms = compute_backoff(
            claimed.attempts, factor=policy.min_backoff_ms, max_backoff=policy.max_backoff_ms
        )
        log.warning("job failed; will retry", error=describe(error), attempt=claimed.attempts, retry_ms=backoff_ms)
        return await _later(database, claimed, backoff_ms / 1000, describe(error), count_attempt=True)


async def _tenant_exists(database: Database, tenant_id: uuid.UUID) -> bool:
    """Asked only after a failure: a deleted organisation's (a sandbox's) last jobs fail on their missing rows."""
    async with database.system_session() as session:
        return await repository.tenant_exists(session, tenant_id)


async def _later(
    database: Database, claimed: repository.ClaimedJob, delay_seconds: float, reason: str, *, count_attempt: bool
) -> str:
    run_after = utcnow() + timedelta(seconds=delay_seconds)
    async with database.system_session() as session:
        await repository.reschedule(
            session, claimed.id, run_after=run_after, error=reason or None, count_attempt=count_attempt
        )
    queue.dispatch(claimed.id, int(delay_seconds * 1000) or None)
    record_job_retry(claimed.kind, "error" if count_attempt else "requested")
    return "retry"
