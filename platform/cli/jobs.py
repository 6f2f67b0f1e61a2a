"""``mlc jobs``: look at background work, retry dead letters, and check that workers are alive."""

from __future__ import annotations

import asyncio
import time
import uuid

import click
from sqlalchemy import select

from mlconnector.platform.cli.output import emit


def _database():
    from mlconnector.platform.db.engine import Database
    from mlconnector.platform.settings import get_settings

    settings = get_settings()
    return Database(settings.database.url, null_pool=True)


@click.group()
def jobs() -> None:
    """Background jobs (the database is their source of truth)."""


@jobs.command("list")
@click.option("--state", type=click.Choice(["queued", "running", "done", "dead"]), default=None)
@click.option("--limit", type=int, default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def list_jobs(state: str | None, limit: int, as_json: bool) -> None:
    """List recent jobs, newest first."""
    from mlconnector.platform.jobs.models import Job

    async def run() -> list[dict[str, object]]:
        database = _database()
        try:
            async with database.system_session() as session:
                statement = select(Job).order_by(Job.created_at.desc()).limit(limit)
                if state:
                    statement = statement.where(Job.state == state)
                rows = (await session.execute(statement)).scalars().all()
                return [
                    {
                        "id": str(job.id),
                        "tenant_id": str(job.tenant_id) if job.tenant_id else None,
                        "kind": job.kind,
                        "state": job.state,
                        "attempts": job.attempts,
                        "run_after": job.run_after.isoformat(),
                        "last_error": job.last_error,
                    }
                    for job in rows
                ]
        finally:
            await database.dispose()

    rows = asyncio.run(run())
    emit(
        {"jobs": rows},
        as_json,
        lambda: (
            [
                f"{r['id']}  {r['state']:<8} {r['kind']:<24} attempts={r['attempts']}  {r['last_error'] or ''}"
                for r in rows
            ]
            or ["no jobs"]
        ),
    )


@jobs.command()
@click.argument("job_id", type=click.UUID)
def retry(job_id: uuid.UUID) -> None:
    """Send a dead letter back to the queue with fresh attempts."""
    from mlconnector.platform.jobs import repository

    async def run() -> bool:
        database = _database()
        try:
            async with database.system_session() as session:
                return await repository.revive(session, job_id)
        finally:
            await database.dispose()

    if not asyncio.run(run()):
        raise click.ClickException(f"job {job_id} is not a dead letter (see `mlc jobs list --state dead`)")
    click.echo(f"job {job_id} queued again; a worker will pick it up within MLC_JOB_SWEEP_SECONDS")


@jobs.command()
@click.option("--wait/--no-wait", default=True, show_default=True, help="Wait until a worker has run it.")
@click.option("--timeout", type=float, default=60.0, show_default=True, help="Seconds to wait.")
@click.option("--sleep", "sleep_seconds", type=float, default=0.0, help="Make the job take this long (max 60 s).")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def ping(wait: bool, timeout: float, sleep_seconds: float, as_json: bool) -> None:
    """Queue a `core.ping` job and (by default) wait for a worker to finish it."""
    from mlconnector.platform.jobs import queue
    from mlconnector.platform.jobs.builtin import PING
    from mlconnector.platform.jobs.models import Job

    async def run() -> dict[str, object]:
        database = _database()
        try:
            async with database.system_session() as session:
                job_id = await queue.enqueue(session, PING, payload={"sleep_seconds": sleep_seconds})
            started = time.monotonic()
            state = "queued"
            while wait and time.monotonic() - started < timeout:
                async with database.system_session() as session:
                    state = (await session.execute(select(Job.state).where(Job.id == job_id))).scalar_one()
                if state in {"done", "dead"}:
                    break
                await asyncio.sleep(0.2)
            return {"job_id": str(job_id), "state": state, "seconds": round(time.monotonic() - started, 3)}
        finally:
            await database.dispose()

    from mlconnector.platform.bootstrap import load_runtime_plugins
    from mlconnector.platform.jobs.registry import registry
    from mlconnector.platform.jobs.runtime import JobRuntime, build_broker
    from mlconnector.platform.settings import get_settings

    settings = get_settings()
    load_runtime_plugins(settings)
    if settings.redis.url:  # send the wake-up through Redis; without Redis only a running `mlc serve` will see it
        JobRuntime(settings, registry, broker=build_broker(settings.redis.url)).install()
    result = asyncio.run(run())
    emit(result, as_json, lambda: [f"job {result['job_id']}: {result['state']} after {result['seconds']} s"])
    if wait and result["state"] != "done":
        raise SystemExit(1)
