"""Every SQL statement the job system runs. Claims are single conditional UPDATEs, so two workers (or a worker
and a re-sent message) can never both start the same job, and two schedulers can never both fire the same tick."""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Uuid, and_, case, column, func, or_, select, table, update
from sqlalchemy import delete as sa_delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.platform.db.types import utcnow
from mlconnector.platform.jobs.models import DEAD, DONE, QUEUED, RUNNING, Job, Schedule


@dataclass(frozen=True, slots=True)
class ClaimedJob:
    id: uuid.UUID
    tenant_id: uuid.UUID | None
    kind: str
    payload: dict[str, Any]
    attempts: int
    max_attempts: int


def _insert(session: AsyncSession, table: Any) -> Any:
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


async def insert_job(
    session: AsyncSession,
    *,
    kind: str,
    tenant_id: uuid.UUID | None,
    payload: dict[str, Any],
    dedup_key: str | None,
    run_after: datetime,
    max_attempts: int,
) -> uuid.UUID | None:
    """Insert a queued job; ``None`` when a job with the same ``dedup_key`` already exists."""
    now = utcnow()
    job_id = uuid.uuid4()
    values = {"id": job_id, "tenant_id": tenant_id, "kind": kind, "payload": payload, "dedup_key": dedup_key}
    values |= {"state": QUEUED, "attempts": 0, "max_attempts": max_attempts, "run_after": run_after}
    values |= {"dispatched_at": now, "created_at": now, "updated_at": now}
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    connection = await session.connection()
    return (await connection.execute(_job_insert(dialect), values)).scalar_one_or_none()


@functools.cache
def _job_insert(dialect: str) -> Any:
    """Built once per dialect (jobs are queued on hot paths, one per Web Connector answer); run on the session's
    connection with the column names as parameters."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(Job.__table__).on_conflict_do_nothing(index_elements=["dedup_key"]).returning(Job.__table__.c.id)


async def claim(session: AsyncSession, job_id: uuid.UUID, lease: timedelta) -> ClaimedJob | None:
    """Start a job that is due, or take over one whose lease ran out. ``None`` means: not ours to run now."""
    now = utcnow()
    statement = (
        update(Job)
        .where(
            Job.id == job_id,
            or_(
                and_(Job.state == QUEUED, Job.run_after <= now),
                and_(Job.state == RUNNING, Job.lease_until < now),
            ),
        )
        .values(state=RUNNING, attempts=Job.attempts + 1, lease_until=now + lease, updated_at=now)
        .returning(Job.id, Job.tenant_id, Job.kind, Job.payload, Job.attempts, Job.max_attempts)
        .execution_options(synchronize_session=False)  # a fresh session holds no Job to refresh; skips evaluating
    )
    row = (await session.execute(statement)).one_or_none()
    return None if row is None else ClaimedJob(*row)


async def extend_lease(session: AsyncSession, job_id: uuid.UUID, lease: timedelta) -> None:
    now = utcnow()
    await session.execute(
        update(Job).where(Job.id == job_id, Job.state == RUNNING).values(lease_until=now + lease, updated_at=now)
    )


async def finish(session: AsyncSession, job_id: uuid.UUID) -> None:
    now = utcnow()
    await session.execute(
        update(Job)
        .where(Job.id == job_id, Job.state == RUNNING)
        .values(state=DONE, lease_until=None, finished_at=now, updated_at=now, last_error=None)
    )


async def reschedule(
    session: AsyncSession, job_id: uuid.UUID, *, run_after: datetime, error: str | None, count_attempt: bool = True
) -> None:
    """Put a running job back in the queue for later (a retry, or a polite wait such as Retry-After)."""
    values: dict[str, Any] = {
        "state": QUEUED,
        "run_after": run_after,
        "lease_until": None,
        "dispatched_at": utcnow(),
        "updated_at": utcnow(),
        "last_error": error,
    }
    if not count_attempt:
        values["attempts"] = Job.attempts - 1
    await session.execute(update(Job).where(Job.id == job_id, Job.state == RUNNING).values(**values))


async def bury(session: AsyncSession, job_id: uuid.UUID, error: str) -> None:
    """Keep a job that cannot succeed as a dead letter, with the reason."""
    now = utcnow()
    await session.execute(
        update(Job)
        .where(Job.id == job_id)
        .values(state=DEAD, lease_until=None, finished_at=now, updated_at=now, last_error=error)
    )


async def delete(session: AsyncSession, job_id: uuid.UUID) -> None:
    """Forget a job whose organisation no longer exists (nothing left to run it for, nobody to show it to)."""
    await session.execute(sa_delete(Job).where(Job.id == job_id))


async def tenant_exists(session: AsyncSession, tenant_id: uuid.UUID) -> bool:
    """Whether the organisation is still there (jobs name it without a foreign key)."""
    return (await session.execute(select(_TENANTS.c.id).where(_TENANTS.c.id == tenant_id))).first() is not None


_TENANTS = table("tenants", column("id", Uuid))
"""The tenants table as the job system needs it (the core's jobs do not depend on the tenants package)."""


async def revive(session: AsyncSession, job_id: uuid.UUID) -> bool:
    """Send a dead letter back to the queue with a fresh set of attempts."""
    now = utcnow()
    result = await session.execute(
        update(Job)
        .where(Job.id == job_id, Job.state == DEAD)
        .values(state=QUEUED, attempts=0, run_after=now, dispatched_at=now, finished_at=None, updated_at=now)
    )
    return result.rowcount == 1


async def take_dispatchable(session: AsyncSession, *, stale_after: timedelta, limit: int) -> list[uuid.UUID]:
    """Jobs whose wake-up may have been lost: due and not sent recently, or running past their lease.

    Marks them as sent now and returns their ids for the caller to send.
    """
    now = utcnow()
    stale = now - stale_after
    lost_wakeup = and_(
        Job.state == QUEUED, Job.run_after <= now, or_(Job.dispatched_at.is_(None), Job.dispatched_at < stale)
    )
    lease_expired = and_(
        Job.state == RUNNING, Job.lease_until < now, or_(Job.dispatched_at.is_(None), Job.dispatched_at < stale)
    )
    candidates = select(Job.id).where(or_(lost_wakeup, lease_expired)).order_by(Job.run_after).limit(limit)
    ids = list((await session.execute(candidates)).scalars())
    if not ids:
        return []
    taken = await session.execute(
        update(Job)
        .where(Job.id.in_(ids), or_(Job.dispatched_at.is_(None), Job.dispatched_at < stale))
        .values(dispatched_at=now)
        .returning(Job.id)
    )
    return list(taken.scalars())


async def due_schedules(session: AsyncSession, limit: int = 500) -> list[Schedule]:
    now = utcnow()
    statement = (
        select(Schedule)
        .where(Schedule.enabled.is_(True), Schedule.next_run_at <= now)
        .order_by(Schedule.next_run_at)
        .limit(limit)
    )
    return list((await session.execute(statement)).scalars())


async def claim_tick(session: AsyncSession, schedule: Schedule) -> datetime | None:
    """Advance a due schedule by one interval if nobody else did; returns the tick claimed, or ``None``."""
    now = utcnow()
    tick = schedule.next_run_at
    following = tick + timedelta(seconds=schedule.interval_seconds)
    if following <= now:  # we were away for several intervals: run once, then resume the rhythm from now
        following = now + timedelta(seconds=schedule.interval_seconds)
    result = await session.execute(
        update(Schedule)
        .where(Schedule.name == schedule.name, Schedule.next_run_at == tick)
        .values(next_run_at=following, last_run_at=now)
        .execution_options(synchronize_session=False)
    )
    return tick if result.rowcount == 1 else None


async def upsert_schedule(
    session: AsyncSession,
    *,
    name: str,
    kind: str,
    interval_seconds: int,
    tenant_id: uuid.UUID | None = None,
    payload: dict[str, Any] | None = None,
    enabled: bool = True,
) -> None:
    """Create or change a schedule; an existing rhythm (``next_run_at``) is kept."""
    statement = _insert(session, Schedule).values(
        name=name,
        tenant_id=tenant_id,
        kind=kind,
        payload=payload or {},
        interval_seconds=interval_seconds,
        next_run_at=utcnow(),
        enabled=enabled,
    )
    statement = statement.on_conflict_do_update(
        index_elements=["name"],
        set_={"kind": kind, "payload": payload or {}, "interval_seconds": interval_seconds, "enabled": enabled},
    )
    await session.execute(statement)


async def set_schedule_interval(session: AsyncSession, name: str, interval_seconds: int) -> bool:
    """Change an existing schedule's interval; the next tick comes no later than one new interval from now.
    Returns whether the schedule exists."""
    soonest = utcnow() + timedelta(seconds=interval_seconds)
    result = await session.execute(
        update(Schedule)
        .where(Schedule.name == name)
        .values(
            interval_seconds=interval_seconds,
            next_run_at=case((Schedule.next_run_at > soonest, soonest), else_=Schedule.next_run_at),
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


async def count_by_state(session: AsyncSession, tenant_id: uuid.UUID | None = None) -> dict[str, int]:
    statement = select(Job.state, func.count()).group_by(Job.state)
    if tenant_id is not None:
        statement = statement.where(Job.tenant_id == tenant_id)
    counts = {state: 0 for state in (QUEUED, RUNNING, DONE, DEAD)}
    counts.update({state: count for state, count in (await session.execute(statement)).all()})
    return counts


async def queue_depth_by_tenant(session: AsyncSession) -> dict[uuid.UUID | None, int]:
    """Queued jobs (due or delayed) per tenant; ``None`` is the core's own work. Tenants with none are absent."""
    statement = select(Job.tenant_id, func.count()).where(Job.state == QUEUED).group_by(Job.tenant_id)
    return {tenant_id: count for tenant_id, count in (await session.execute(statement)).all()}


async def oldest_due(session: AsyncSession, tenant_id: uuid.UUID | None = None) -> datetime | None:
    """``run_after`` of the longest-waiting queued job that is already due (how far behind the workers are)."""
    statement = select(func.min(Job.run_after)).where(Job.state == QUEUED, Job.run_after <= utcnow())
    if tenant_id is not None:
        statement = statement.where(Job.tenant_id == tenant_id)
    return (await session.execute(statement)).scalar_one_or_none()
