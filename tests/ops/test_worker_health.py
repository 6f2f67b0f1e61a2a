"""The worker's probe port: ``/healthz`` follows the maintenance loop's heartbeat, ``/metrics`` shows the
worker's own counters, and a real ``mlc worker`` serves both until SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from mlc_testing.databases import installed_migrations, sqlite_url

from mlconnector.platform.db.engine import Database
from mlconnector.platform.jobs import maintenance
from mlconnector.platform.jobs.heartbeat import Heartbeat, stale_after
from mlconnector.platform.jobs.registry import JobRegistry
from mlconnector.platform.jobs.runtime import JobRuntime
from mlconnector.platform.observability.worker_endpoint import WorkerEndpoint

KEK = "k1:" + "A" * 43 + "="


def test_a_heartbeat_ages_and_goes_stale() -> None:
    now = [100.0]
    heartbeat = Heartbeat(clock=lambda: now[0])
    assert heartbeat.age() is None
    heartbeat.beat()
    now[0] += 12.5
    assert heartbeat.age() == 12.5
    assert stale_after(0.5) == 60.0  # a slow pass is not a dead one
    assert stale_after(30) == 180.0


def _wait_for(url: str, status: int, timeout: float = 10.0) -> httpx.Response:
    deadline = time.monotonic() + timeout
    while True:
        try:
            response = httpx.get(url, timeout=2)
            if response.status_code == status:
                return response
        except httpx.TransportError:
            response = None
        if time.monotonic() > deadline:
            raise AssertionError(f"{url} did not answer {status} (last: {response and response.status_code})")
        time.sleep(0.05)


def test_healthz_follows_the_maintenance_loop(make_settings, tmp_path) -> None:
    settings = make_settings(
        DATABASE_URL=sqlite_url(tmp_path / "w.sqlite3"), MLC_AUTO_MIGRATE="1", MLC_JOB_SWEEP_SECONDS="0.05"
    )
    from mlc_testing.asyncio_thread import run

    from mlconnector.platform.db import migrate

    run(migrate.upgrade(settings.database.url))
    runtime = JobRuntime(settings, JobRegistry())
    endpoint = WorkerEndpoint("127.0.0.1", 0, runtime.health).start()
    base = f"http://127.0.0.1:{endpoint.port}"
    try:
        stopped = httpx.get(f"{base}/healthz").json()
        assert stopped["status"] == "stalled" and stopped["worker_threads"] == "stopped"
        runtime.start()
        alive = _wait_for(f"{base}/healthz", 200).json()
        assert alive["maintenance"] == "ok" and alive["heartbeat_age_seconds"] is not None
        metrics = httpx.get(f"{base}/metrics")
        assert metrics.headers["content-type"].startswith("text/plain")
        assert "mlc_job_retries_total" in metrics.text and "mlc_commerce_errors_total" in metrics.text
        assert httpx.get(f"{base}/nothing").status_code == 404
        runtime._maintenance.cancel()  # the loop dies (a wedged event loop looks the same from outside)
        assert _wait_for(f"{base}/healthz", 503).json()["maintenance"] == "stalled"
    finally:
        endpoint.stop()
        runtime.stop()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.redis
@pytest.mark.slow
def test_mlc_worker_serves_its_probe_port_until_sigterm(redis_url: str, tmp_path: Path) -> None:
    from mlc_testing.asyncio_thread import run

    from mlconnector.platform.db import migrate

    database_url = sqlite_url(tmp_path / "worker.sqlite3")
    run(migrate.upgrade(database_url, installed_migrations()))
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("MLC_", "DATABASE_", "REDIS_"))},
        "MLC_DATA_DIR": str(tmp_path),
        "MLC_ENV_FILE": str(tmp_path / "none.env"),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "MLC_VAULT_KEKS": KEK,
        "MLC_WORKER_METRICS_PORT": str(port),
        "MLC_JOB_SWEEP_SECONDS": "0.2",
        "MLC_LOG_FORMAT": "json",
    }
    mlc = Path(sys.executable).with_name("mlc")
    process = subprocess.Popen([str(mlc), "worker", "--threads", "1"], env=env, stderr=subprocess.PIPE, text=True)
    try:
        health = _wait_for(f"http://127.0.0.1:{port}/healthz", 200, timeout=30).json()
        assert health["status"] == "ok" and health["worker_threads"] == "ok"
        assert "process_resident_memory_bytes" in httpx.get(f"http://127.0.0.1:{port}/metrics").text
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=60)
    assert process.returncode == 0, err


def test_a_taken_port_stops_the_worker_with_one_line(tmp_path: Path) -> None:
    from mlc_testing.asyncio_thread import run

    from mlconnector.platform.db import migrate

    database_url = sqlite_url(tmp_path / "worker.sqlite3")
    run(migrate.upgrade(database_url, installed_migrations()))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("MLC_", "DATABASE_", "REDIS_"))},
            "MLC_DATA_DIR": str(tmp_path),
            "MLC_ENV_FILE": str(tmp_path / "none.env"),
            "DATABASE_URL": database_url,
            "REDIS_URL": "redis://127.0.0.1:1/0",  # never reached: the port check comes first
            "MLC_VAULT_KEKS": KEK,
            "MLC_WORKER_METRICS_PORT": str(port),
        }
        mlc = Path(sys.executable).with_name("mlc")
        result = subprocess.run([str(mlc), "worker"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port} (MLC_WORKER_METRICS_PORT)" in result.stderr
    assert "Traceback" not in result.stderr


async def _beats_within(database, seconds: float) -> int:
    beats: list[float] = []
    loop = asyncio.create_task(
        maintenance.maintenance_loop(
            database, lambda *_: None, every=0.02, stale_after=timedelta(seconds=60), on_pass=lambda: beats.append(1)
        )
    )
    await asyncio.sleep(seconds)
    loop.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        async with asyncio.timeout(10):  # a loop that ignored its cancellation fails here instead of hanging
            await loop
    return len(beats)


async def test_the_heartbeat_goes_on_while_the_database_is_down() -> None:
    """Liveness must not follow the database: restarting workers does not bring PostgreSQL back."""
    database = Database("postgresql+asyncpg://mlc@127.0.0.1:1/mlc", null_pool=True)
    try:
        assert await _beats_within(database, 0.5) >= 2
    finally:
        await database.dispose()


class _HangingDatabase:
    """A database whose connections never answer (a black-holed network), as far as the loop can tell."""

    @contextlib.asynccontextmanager
    async def system_session(self):
        await asyncio.Event().wait()
        yield


async def test_a_pass_stuck_on_the_network_is_abandoned_and_the_loop_beats_on(monkeypatch) -> None:
    monkeypatch.setattr(maintenance, "PASS_TIMEOUT_SECONDS", 0.05)
    assert await _beats_within(_HangingDatabase(), 0.5) >= 2
