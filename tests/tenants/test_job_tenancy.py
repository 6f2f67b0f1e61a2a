"""Background jobs run bound to their job's tenant — session, PostgreSQL setting and log context — and leave no
tenant behind, whatever way the handler ends."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import structlog
from mlc_testing.jobs import wait_for_state
from mlc_testing.tenants import make_tenant
from sqlalchemy import text

from mlconnector.platform.db import tenancy
from mlconnector.platform.db.engine import Database
from mlconnector.platform.jobs import PermanentJobError, RetryJob, enqueue
from mlconnector.platform.jobs.registry import JobRegistry
from mlconnector.platform.jobs.runner import RunPolicy, run_job
from mlconnector.platform.jobs.runtime import JobRuntime

POLICY = RunPolicy(lease=timedelta(seconds=30), max_attempts=3, min_backoff_ms=1, max_backoff_ms=2)
SEEN: list[dict[str, object]] = []


async def _observe(context) -> None:  # type: ignore[no-untyped-def]
    setting = None
    if context.session.bind.dialect.name == "postgresql":
        setting = (await context.session.execute(text("SELECT current_setting('app.tenant_id', true)"))).scalar()
    SEEN.append(
        {
            "job": context.kind,
            "tenant": context.tenant_id,
            "log_tenant": structlog.contextvars.get_contextvars().get("tenant_id"),
            "session_tenant": tenancy.tenant_of(context.session.sync_session),
            "pg_tenant": setting,
        }
    )


def _registry() -> JobRegistry:
    registry = JobRegistry()

    async def ok(context) -> None:  # type: ignore[no-untyped-def]
        await _observe(context)

    async def fails(context) -> None:  # type: ignore[no-untyped-def]
        await _observe(context)
        raise RuntimeError("transient")

    async def permanent(context) -> None:  # type: ignore[no-untyped-def]
        await _observe(context)
        raise PermanentJobError("cannot")

    async def waits(context) -> None:  # type: ignore[no-untyped-def]
        await _observe(context)
        raise RetryJob(30, "later")

    for kind, fn in (("t.ok", ok), ("t.fails", fails), ("t.permanent", permanent), ("t.waits", waits)):
        registry.handler(kind)(fn)
    return registry


async def _nothing_bound(database: Database) -> None:
    assert "tenant_id" not in structlog.contextvars.get_contextvars()
    assert "job_id" not in structlog.contextvars.get_contextvars()
    if database.dialect == "postgresql":
        async with database.engine.connect() as connection:  # the pool's one connection, as the next job gets it
            carried = (await connection.execute(text("SELECT current_setting('app.tenant_id', true)"))).scalar()
        assert carried in ("", None)


@pytest.mark.parametrize("kind", ["t.ok", "t.fails", "t.permanent", "t.waits", "t.unknown"])
async def test_a_job_runs_as_its_tenant_and_leaves_none_bound(app_database, kind) -> None:
    database = Database(app_database.url, pool_size=1)
    SEEN.clear()
    try:
        tenant = await make_tenant(database)  # a real one: a failing job of a deleted organisation is dropped
        async with database.session(tenant) as session:
            job_id = await enqueue(session, kind)
        outcome = await run_job(database, _registry(), job_id, POLICY)
        assert outcome == {"t.ok": "done", "t.fails": "retry", "t.waits": "retry"}.get(kind, "dead")
        await _nothing_bound(database)
    finally:
        await database.dispose()
    if kind != "t.unknown":
        (seen,) = SEEN
        assert seen["log_tenant"] == str(tenant) and seen["session_tenant"] == tenant
        assert seen["pg_tenant"] == (str(tenant) if app_database.is_postgres else None)


async def test_the_worker_actor_binds_each_jobs_own_tenant(make_settings, app_database) -> None:
    settings = make_settings(DATABASE_URL=app_database.url, MLC_JOB_SWEEP_SECONDS="0.1", MLC_WORKER_THREADS="1")
    registry = _registry()
    runtime = JobRuntime(settings, registry)
    runtime.start()
    database = Database(app_database.url, pool_size=2)
    alpha, beta = uuid.uuid4(), uuid.uuid4()
    SEEN.clear()
    try:
        for tenant in (alpha, beta, None, alpha):
            if tenant is None:
                async with database.system_session() as session:
                    job_id = await enqueue(session, "t.ok")
            else:
                async with database.session(tenant) as session:
                    job_id = await enqueue(session, "t.ok")
            await wait_for_state(database, job_id, "done")
    finally:
        runtime.stop()
        await database.dispose()
    assert [(s["tenant"], s["log_tenant"], s["session_tenant"]) for s in SEEN] == [
        (alpha, str(alpha), alpha),
        (beta, str(beta), beta),
        (None, "", None),
        (alpha, str(alpha), alpha),
    ]
    if app_database.is_postgres:
        assert [s["pg_tenant"] for s in SEEN] == [str(alpha), str(beta), "", str(alpha)]
