"""Processes and servers dying under the service — the books must end identical to a fault-free run.

A real ``mlc worker`` process killed with SIGKILL in the middle of planning a document and in the middle of queueing
its writes; every PostgreSQL connection of the service terminated in the middle of a Web Connector session; the
Redis server flushed, killed and started again (a private one, on its own port) with jobs queued.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest
from faults.helpers import finish, late_invoice, queued_jobs, read_only, read_with_retries, the_store, watch
from mlc_testing.asyncio_thread import run
from mlc_testing.databases import empty_postgres
from mlc_testing.engine import FAST_JOBS
from mlc_testing.storefront import assert_same_books, running_books, snapshot
from sqlalchemy.exc import DBAPIError

from mlconnector.connectors.qbd.emulator.transports import SoapError

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
MLC = str(Path(sys.executable).with_name("mlc"))
VAULT = {"MLC_VAULT_KEKS": "test:" + "a2V5LWtleS1rZXkta2V5LWtleS1rZXkta2V5LWtleS0="}
QUICK = {"MLC_JOB_LEASE_SECONDS": "2", "MLC_JOB_REDISPATCH_SECONDS": "1"}


def _dsn(url: str) -> str:
    return url.replace("+asyncpg", "")


async def _terminate_backends(url: str) -> int:
    """End every other connection to this test's own database (what a PostgreSQL restart does to the service)."""
    connection = await asyncpg.connect(_dsn(url))
    try:
        return await connection.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    finally:
        await connection.close()


@pytest.fixture
async def pg_url(postgres_database: str) -> str:
    await empty_postgres(postgres_database)
    return postgres_database


@pytest.mark.redis
async def test_a_worker_killed_with_sigkill_in_the_middle(
    make_settings, pg_url, redis_url, baseline, matrix, tmp_path
) -> None:
    """Two kills in one run: first while the worker plans the late invoice (its catalog read blocks), then — after
    another worker took the job over — while it queues the writes (its insert blocks). Each time the process is
    gone mid-transaction; the job's lease runs out and a new worker finishes it."""
    fake, simulator = the_store()
    ledger = watch(simulator)
    env = {"REDIS_URL": redis_url, **VAULT, **QUICK}
    worker_env = {**os.environ, **FAST_JOBS, **env, "DATABASE_URL": pg_url, "MLC_DATA_DIR": str(tmp_path)}
    worker_env |= {"MLC_WORKER_THREADS": "1", "MLC_LOG_LEVEL": "warning"}
    kills: list[str] = []
    async with running_books(make_settings, pg_url, fake, simulator, env=env) as books:
        await books.cycle()
        await read_with_retries(books)
        await books.until_quiet()
        books.runtime.worker.pause()  # from here only the spawned workers run jobs
        late_invoice(fake)
        for table, mode, statement in (
            ("qbd_catalog", "ACCESS EXCLUSIVE", "qbd_catalog"),  # planning reads the books' item list
            ("qbd_writes", "EXCLUSIVE", "INSERT INTO qbd_writes"),  # delivering queues the writes
        ):
            blocker = await asyncpg.connect(_dsn(pg_url))
            transaction = blocker.transaction()
            await transaction.start()
            await blocker.execute(f"LOCK TABLE {table} IN {mode} MODE")
            log = (tmp_path / f"worker-{len(kills)}.log").open("w")
            worker = subprocess.Popen([MLC, "worker", "--threads", "1"], env=worker_env, stderr=log)
            try:
                if not kills:
                    await read_only(books)  # the late invoice's posting jobs are queued
                await _wait_until_blocked(pg_url, statement)
                worker.send_signal(signal.SIGKILL)
                worker.wait(timeout=10)
                kills.append(statement)
            finally:
                if worker.poll() is None:
                    worker.kill()
                    worker.wait()
                await transaction.rollback()
                await blocker.close()
        books.runtime.worker.resume()  # a new worker: the killed job's lease runs out and it runs again
        await books.idle()
        await books.until_quiet()
    assert_same_books(snapshot(simulator), baseline)
    matrix("worker SIGKILL mid-planning, then mid-queueing writes (postgresql)", injected=len(kills), **ledger.counts())


async def _wait_until_blocked(url: str, statement: str, timeout: float = 30.0) -> None:
    """Until a backend of this database waits for our lock running ``statement`` (asked on a connection of its own:
    inside the locking transaction, pg_stat_activity would show the snapshot taken when it began)."""
    watcher = await asyncpg.connect(_dsn(url))
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            waiting = await watcher.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND position($1 in query) > 0",
                statement,
            )
            if waiting:
                return
            await asyncio.sleep(0.05)
    finally:
        await watcher.close()
    raise AssertionError(f"no worker reached {statement!r} within {timeout} s")


async def test_postgres_connections_terminated_in_the_middle_of_a_session(make_settings, pg_url, baseline, matrix):
    fake, simulator = the_store()
    ledger = watch(simulator)
    process = simulator.process
    terminated: list[int] = []

    def quickbooks_while_the_database_restarts(qbxml: str):
        reply = process(qbxml)
        if not terminated and "<InvoiceAddRq" in qbxml:
            terminated.append(run(_terminate_backends(pg_url)))
        return reply

    simulator.process = quickbooks_while_the_database_restarts
    failed_calls = 0
    async with running_books(make_settings, pg_url, fake, simulator) as books:
        await books.cycle()
        await read_with_retries(books)
        for _ in range(12):
            try:
                if not (await books.cycle()).exchanges:
                    break
            except (SoapError, DBAPIError):  # the Web Connector shows the error; the next scheduled run goes on
                failed_calls += 1
                books.later(minutes=20 * (failed_calls + 1))
        await finish(books)
    assert terminated and terminated[0] > 0
    assert_same_books(snapshot(simulator), baseline)
    matrix(
        "PostgreSQL connections terminated mid-session (postgresql)",
        injected=f"{terminated[0]} connections",
        retries=failed_calls,
        **ledger.counts(),
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[tuple[str, callable]]:
    """A Redis server of this test's own (no persistence), and a function that kills it and starts it again."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    port = _free_port()
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    command += ["--dir", str(tmp_path)]
    servers = [subprocess.Popen(command, stdout=subprocess.DEVNULL)]
    _wait_for_port(port)

    def restart() -> None:
        servers[-1].kill()  # SIGKILL: everything in memory is gone
        servers[-1].wait()
        servers.append(subprocess.Popen(command, stdout=subprocess.DEVNULL))
        _wait_for_port(port)

    yield f"redis://127.0.0.1:{port}/0", restart
    for server in servers:
        if server.poll() is None:
            server.kill()
            server.wait()


def _wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"redis-server did not listen on {port}")


async def test_redis_flushed_killed_and_restarted(make_settings, pg_url, private_redis, baseline, matrix) -> None:
    import redis as redis_client

    url, restart = private_redis
    fake, simulator = the_store()
    ledger = watch(simulator)
    async with running_books(make_settings, pg_url, fake, simulator, env={"REDIS_URL": url, **VAULT}) as books:
        await books.cycle()
        books.runtime.worker.pause()
        late_invoice(fake)
        await read_only(books)
        lost = await queued_jobs(books)
        client = redis_client.Redis.from_url(url)
        assert lost > 0 and client.dbsize() > 0
        client.flushall()
        client.close()
        restart()
        books.runtime.worker.resume()
        await books.idle()
        await books.until_quiet()
    assert_same_books(snapshot(simulator), baseline)
    matrix("Redis flushed, killed and restarted (postgresql)", injected=f"{lost} jobs' wake-ups", **ledger.counts())
