"""Jobs: the database row is the truth. Runs once, retries with backoff, keeps dead letters, recovers lost
wake-ups and abandoned leases, and fires each schedule tick once."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest
from mlc_testing.jobs import job_row, wait_for_state
from sqlalchemy import delete, func, select, update

from mlconnector.platform.db.types import utcnow
from mlconnector.platform.jobs import PermanentJobError, RetryJob, enqueue, queue, repository
from mlconnector.platform.jobs.maintenance import fire_schedules
from mlconnector.platform.jobs.models import Job
from mlconnector.platform.jobs.registry import JobRegistry
from mlconnector.platform.jobs.runtime import JobRuntime
from mlconnector.tenants.models import Tenant

FAST = {
    "MLC_JOB_SWEEP_SECONDS": "0.1",
    "MLC_JOB_REDISPATCH_SECONDS": "1",
    "MLC_JOB_MIN_BACKOFF_MS": "20",
    "MLC_JOB_MAX_BACKOFF_MS": "100",
    "MLC_JOB_LEASE_SECONDS": "2",
    "MLC_WORKER_THREADS": "2",
}


@pytest.fixture
def registry() -> JobRegistry:
    registry = JobRegistry()

    @registry.handler("test.make_tenant")
    async def make_tenant(context) -> None:
        context.session.add(Tenant(slug=context.payload["slug"], name="Made by a job"))
        if context.payload.get("fail_until_attempt", 0) >= context.attempt:
            raise RuntimeError(f"transient failure on attempt {context.attempt}")

    @registry.handler("test.permanent")
    async def permanent(context) -> None:
        raise PermanentJobError("SKU 24-MB01 has no QuickBooks item")

    calls: list[int] = []

    @registry.handler("test.polite", max_attempts=1)
    async def polite(context) -> None:
        calls.append(context.attempt)
        if len(calls) < 3:
            raise RetryJob(0.05, "store asked us to wait")

    return registry


@pytest.fixture
def runtime(make_settings, database_url, registry):
    settings = make_settings(DATABASE_URL=database_url, **FAST)
    runtime = JobRuntime(settings, registry)
    runtime.start()
    yield runtime
    runtime.stop()


async def _tenants(database, slug: str) -> int:
    async with database.system_session() as session:
        return (await session.execute(select(func.count()).select_from(Tenant).where(Tenant.slug == slug))).scalar_one()


async def test_job_commits_with_its_effects_once(runtime, database) -> None:
    async with database.system_session() as session:
        job_id = await enqueue(session, "test.make_tenant", payload={"slug": "once"}, dedup_key="make:once")
        again = await enqueue(session, "test.make_tenant", payload={"slug": "once"}, dedup_key="make:once")
    assert again is None  # the dedup key admits one job
    await wait_for_state(database, job_id, "done")
    runtime.send(job_id)  # a duplicate wake-up (Dramatiq is at-least-once) changes nothing
    runtime.send(job_id)
    await asyncio.sleep(0.3)
    assert await _tenants(database, "once") == 1
    assert (await job_row(database, job_id)).attempts == 1


async def test_rolled_back_work_queues_nothing(runtime, database) -> None:
    with pytest.raises(RuntimeError):
        async with database.system_session() as session:
            await enqueue(session, "test.make_tenant", payload={"slug": "never"})
            raise RuntimeError("the caller's transaction fails")
    async with database.system_session() as session:
        assert (await session.execute(select(func.count()).select_from(Job))).scalar_one() == 0


async def test_transient_failures_retry_then_succeed(runtime, database) -> None:
    async with database.system_session() as session:
        job_id = await enqueue(session, "test.make_tenant", payload={"slug": "flaky", "fail_until_attempt": 2})
    job = await wait_for_state(database, job_id, "done")
    assert job.attempts == 3
    assert await _tenants(database, "flaky") == 1  # the failed attempts' writes were rolled back


async def test_exhausted_attempts_become_a_dead_letter_that_can_be_revived(runtime, database) -> None:
    async with database.system_session() as session:
        job_id = await enqueue(
            session, "test.make_tenant", payload={"slug": "doomed", "fail_until_attempt": 99}, max_attempts=2
        )
    job = await wait_for_state(database, job_id, "dead")
    assert job.attempts == 2 and "transient failure on attempt 2" in job.last_error
    assert await _tenants(database, "doomed") == 0
    async with database.system_session() as session:
        assert await repository.revive(session, job_id)
        await session.execute(update(Job).where(Job.id == job_id).values(payload={"slug": "doomed"}))
    queue.dispatch(job_id)
    await wait_for_state(database, job_id, "done")
    assert await _tenants(database, "doomed") == 1


async def test_a_deleted_organisations_failing_job_is_dropped_not_retried(runtime, database) -> None:
    """A sandbox deleted while its job waited: the job fails on the missing rows and is forgotten, not retried."""
    from mlc_testing.tenants import make_tenant

    tenant = await make_tenant(database)
    async with database.system_session() as session:
        await session.execute(delete(Tenant).where(Tenant.id == tenant))
        job_id = await enqueue(
            session, "test.make_tenant", tenant_id=tenant, payload={"slug": "orphan", "fail_until_attempt": 99}
        )
    for _ in range(100):
        async with database.system_session() as session:
            if (await session.execute(select(Job.id).where(Job.id == job_id))).first() is None:
                break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError(f"the job is still there: {(await job_row(database, job_id)).state}")
    assert await _tenants(database, "orphan") == 0


async def test_permanent_errors_are_kept_with_their_reason(runtime, database) -> None:
    async with database.system_session() as session:
        job_id = await enqueue(session, "test.permanent")
    job = await wait_for_state(database, job_id, "dead")
    assert job.attempts == 1
    assert job.last_error == "PermanentJobError: SKU 24-MB01 has no QuickBooks item"


async def test_retry_job_waits_without_spending_an_attempt(runtime, database) -> None:
    async with database.system_session() as session:
        job_id = await enqueue(session, "test.polite")
    job = await wait_for_state(database, job_id, "done", "dead")
    assert job.state == "done"  # max_attempts=1, yet two polite waits did not count
    assert job.attempts == 1


async def test_lost_wakeups_are_sent_again(make_settings, database_url, registry, database) -> None:
    async with database.system_session() as session:  # queued while nothing listens: the wake-up is lost
        job_id = await enqueue(session, "test.make_tenant", payload={"slug": "lost"})
    runtime = JobRuntime(make_settings(DATABASE_URL=database_url, **FAST), registry)
    runtime.start()
    try:
        await wait_for_state(database, job_id, "done", timeout=10)
    finally:
        runtime.stop()
    assert await _tenants(database, "lost") == 1


async def test_an_abandoned_lease_is_taken_over(runtime, database) -> None:
    async with database.system_session() as session:
        job_id = await enqueue(session, "test.make_tenant", payload={"slug": "orphan"})
        # as if a worker claimed it and was killed before finishing
        await session.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(state="running", attempts=1, lease_until=utcnow() - timedelta(seconds=1), run_after=utcnow())
        )
    job = await wait_for_state(database, job_id, "done", timeout=10)
    assert job.attempts == 2
    assert await _tenants(database, "orphan") == 1


async def test_each_schedule_tick_fires_once_across_workers(database) -> None:
    async with database.system_session() as session:
        await repository.upsert_schedule(session, name="poll:acme", kind="test.make_tenant", interval_seconds=60)
    fired = await asyncio.gather(*(fire_schedules(database) for _ in range(5)))
    assert sum(fired) == 1
    assert sum(await asyncio.gather(*(fire_schedules(database) for _ in range(5)))) == 0  # next tick is a minute away
    async with database.system_session() as session:
        jobs = (await session.execute(select(Job.kind, Job.dedup_key))).all()
    assert len(jobs) == 1 and jobs[0].dedup_key.startswith("schedule:poll:acme:")


def test_payloads_carry_ids_not_objects() -> None:
    with pytest.raises(TypeError, match="JSON primitive"):
        queue._check_payload({"secret": object()})


async def test_job_kinds_unknown_to_this_process_become_dead_letters(runtime, database) -> None:
    async with database.system_session() as session:
        job_id = await enqueue(session, "removed.plugin_job", tenant_id=uuid.uuid4())
    job = await wait_for_state(database, job_id, "dead")
    assert "no handler is registered" in job.last_error
