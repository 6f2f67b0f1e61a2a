"""The production shape: PostgreSQL + Redis + separate `mlc worker` processes. Nothing queued is lost when
Redis is flushed or a worker is killed mid-job, because the database row is the truth."""

from __future__ import annotations

import base64
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from mlc_testing.jobs import wait_for_state

from mlconnector.platform.jobs import enqueue
from mlconnector.platform.jobs.builtin import PING
from mlconnector.platform.jobs.registry import registry
from mlconnector.platform.jobs.runtime import JobRuntime

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]
MLC = str(Path(sys.executable).with_name("mlc"))
KEK = "test:" + base64.b64encode(b"k" * 32).decode()


@pytest.fixture
async def database(postgres_database: str):
    """PostgreSQL only: the workers started here use it too."""
    from mlc_testing.databases import empty_postgres

    from mlconnector.platform.db.engine import Database

    await empty_postgres(postgres_database)
    db = Database(postgres_database, pool_size=2)
    yield db
    await db.dispose()


@pytest.fixture
def production_env(postgres_database: str, redis_url: str, tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": postgres_database,
        "REDIS_URL": redis_url,
        "MLC_VAULT_KEKS": KEK,
        "MLC_DATA_DIR": str(tmp_path),
        "MLC_JOB_LEASE_SECONDS": "2",
        "MLC_JOB_REDISPATCH_SECONDS": "1",
        "MLC_JOB_SWEEP_SECONDS": "0.2",
        "MLC_LOG_LEVEL": "warning",
    }


@pytest.fixture
def start_worker(production_env: dict[str, str]) -> Iterator[Callable[[], subprocess.Popen]]:
    started: list[subprocess.Popen] = []

    def start() -> subprocess.Popen:
        process = subprocess.Popen([MLC, "worker", "--threads", "2"], env=production_env, stderr=subprocess.DEVNULL)
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def sender(make_settings, production_env):
    """This test process sends wake-ups through Redis, as `mlc serve` does in production."""
    settings = make_settings(**{k: production_env[k] for k in ("DATABASE_URL", "REDIS_URL", "MLC_VAULT_KEKS")})
    runtime = JobRuntime(settings, registry)
    runtime.install()
    yield runtime
    from mlconnector.platform.jobs import queue

    queue.set_dispatcher(None)
    runtime.broker.close()


async def test_a_queued_job_survives_flushall(database, sender, redis_url, start_worker) -> None:
    async with database.system_session() as session:
        job_id = await enqueue(session, PING)
    client = redis.Redis.from_url(redis_url)
    assert client.dbsize() > 0  # the wake-up is sitting in Redis…
    client.flushdb()  # …and is gone
    client.close()
    start_worker()
    job = await wait_for_state(database, job_id, "done", timeout=30)
    assert job.attempts == 1


async def test_a_job_survives_its_worker_being_killed(database, sender, start_worker) -> None:
    first = start_worker()
    async with database.system_session() as session:
        job_id = await enqueue(session, PING, payload={"sleep_seconds": 30})
    await wait_for_state(database, job_id, "running", timeout=30)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    async with database.system_session() as session:  # make the retried ping quick
        from sqlalchemy import update

        from mlconnector.platform.jobs.models import Job

        await session.execute(update(Job).where(Job.id == job_id).values(payload={"sleep_seconds": 0}))
    start_worker()
    job = await wait_for_state(database, job_id, "done", timeout=30)
    assert job.attempts == 2  # the killed attempt, then the one that finished


async def test_two_workers_run_each_job_once(database, sender, start_worker) -> None:
    start_worker()
    start_worker()
    async with database.system_session() as session:
        ids = [await enqueue(session, PING) for _ in range(20)]
    for job_id in ids:
        job = await wait_for_state(database, job_id, "done", timeout=30)
        assert job.attempts == 1
