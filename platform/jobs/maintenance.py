"""The loop every worker runs beside its jobs: re-send lost wake-ups and fire due schedules.

Several workers may run it at once; the conditional UPDATEs in the repository make each re-send and each
schedule tick happen once. It is what makes a flushed Redis or a killed worker lose nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

import structlog

from mlconnector.platform.db.engine import Database
from mlconnector.platform.jobs import queue, repository

log = structlog.get_logger(__name__)
BATCH = 500
PASS_TIMEOUT_SECONDS = 30.0
"""A pass stuck on an unreachable database is abandoned after this long (its transactions roll back), so the
loop keeps beating well inside the worker's 60 s liveness window."""


async def sweep(database: Database, send: Callable[[object, int | None], None], *, stale_after: timedelta) -> int:
    """Re-send every job that is due but whose wake-up is older than ``stale_after``. Returns how many."""
    async with database.system_session() as session:
        job_ids = await repository.take_dispatchable(session, stale_after=stale_after, limit=BATCH)
    for job_id in job_ids:
        send(job_id, None)
    if job_ids:
        log.info("re-sent job wake-ups", count=len(job_ids))
    return len(job_ids)


async def fire_schedules(database: Database) -> int:
    """Queue one job for each schedule tick that is due and that no other worker has claimed."""
    fired = 0
    async with database.system_session() as session:
        due = await repository.due_schedules(session)
    for schedule in due:
        async with database.system_session() as session:
            tick = await repository.claim_tick(session, schedule)
            if tick is None:
                continue
            await queue.enqueue(
                session,
                schedule.kind,
                payload=schedule.payload,
                tenant_id=schedule.tenant_id,
                dedup_key=f"schedule:{schedule.name}:{tick.isoformat()}",
            )
            fired += 1
    return fired


async def maintenance_loop(
    database: Database,
    send: Callable[[object, int | None], None],
    *,
    every: float,
    stale_after: timedelta,
    on_pass: Callable[[], None] | None = None,
) -> None:
    """Run :func:`sweep` and :func:`fire_schedules` every ``every`` seconds until cancelled; ``on_pass`` is called
    after each pass, failed or not (the worker's heartbeat)."""

    async def one_pass() -> None:
        await sweep(database, send, stale_after=stale_after)
        await fire_schedules(database)

    while True:
        try:
            async with asyncio.timeout(PASS_TIMEOUT_SECONDS):  # unlike wait_for on 3.11, never swallows a cancel
                await one_pass()
        except asyncio.CancelledError:
            raise
        except Exception as error:  # a database restart must not stop the loop
            log.warning("maintenance pass failed; will try again", error=str(error))
        if on_pass is not None:
            on_pass()
        await asyncio.sleep(every)
