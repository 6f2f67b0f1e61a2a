"""What every benchmark needs: a fresh migrated database, a tenant with a Web Connector login, our service under
Granian in its own process, process CPU time, the machine's load, and a markdown table.

CPU time (utime + stime from /proc) is the primary figure: the machine is small and shared, so wall-clock rates move
with the load average; CPU per exchange or per order does not (much).
"""

from __future__ import annotations

import asyncio
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_ADMIN = os.environ.get("BENCH_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/4")
CLK_TCK = os.sysconf("SC_CLK_TCK")
BENCH_KEK = "bench:" + "QkVOQ0gtT05MWS1LRUstMzItYnl0ZXMtbG9uZy0tLS0="  # 32 bytes, base64; a benchmark key only


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def machine() -> str:
    cpu = "?"
    with Path("/proc/cpuinfo").open() as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return (
        f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def cpu_seconds(pids: Iterable[int]) -> float:
    """utime + stime of each process (all threads), summed."""
    total = 0.0
    for pid in pids:
        try:
            parts = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(parts[11]) + int(parts[12])) / CLK_TCK
    return total


def descendants(pid: int) -> list[int]:
    """``pid`` and every process below it."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                todo += [int(child) for child in (task / "children").read_text().split()]
            except OSError:
                continue
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (as the peer harness computes it)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[max(0, -(-int(q * 1000) * len(ordered) // 1000) - 1)]


# --- databases ------------------------------------------------------------------------------------


@dataclass
class Backend:
    name: str
    url: str
    redis: str | None
    cleanup: Any = None

    def env(self, data_dir: Path) -> dict[str, str]:
        env = {
            "DATABASE_URL": self.url,
            "MLC_DATA_DIR": str(data_dir),
            "MLC_LOG_LEVEL": "warning",
            "MLC_VAULT_KEKS": BENCH_KEK,
        }
        if self.redis:
            env["REDIS_URL"] = self.redis
        return env


async def _pg_admin(statement: str) -> None:
    from sqlalchemy import text

    from mlconnector.platform.db.engine import build_engine

    engine = build_engine(PG_ADMIN, null_pool=True)
    async with engine.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(text(statement))
    await engine.dispose()


async def fresh_backend(kind: str, label: str, workdir: Path) -> Backend:
    """A migrated, empty database: a new SQLite file, or a new PostgreSQL database ``bench_<label>`` (+ Redis db 4)."""
    from mlconnector.platform.db import migrate
    from mlconnector.platform.plugins.discovery import load_plugins

    folders = load_plugins().migration_folders()
    if kind == "sqlite":
        url = f"sqlite+aiosqlite:///{workdir / f'{label}.sqlite3'}"
        await migrate.upgrade(url, folders)
        return Backend("SQLite", url, None)
    name = f"bench_{label}"
    await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await _pg_admin(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    await migrate.upgrade(url, folders)
    await flush_redis()
    return Backend("PostgreSQL+Redis", url, REDIS_URL, cleanup=name)


async def drop_backend(backend: Backend) -> None:
    if backend.cleanup:
        await _pg_admin(f'DROP DATABASE IF EXISTS "{backend.cleanup}" WITH (FORCE)')


async def flush_redis() -> None:
    """Only our own Redis database (4), never the others' (tests share the server)."""
    import redis.asyncio as aioredis

    client = aioredis.from_url(REDIS_URL)
    await client.flushdb()
    await client.aclose()


def workdir(label: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=f"mlc-bench-{label}-"))


# --- tenants --------------------------------------------------------------------------------------


def install_plugins() -> Any:
    from mlconnector.platform import bootstrap
    from mlconnector.platform.plugins.discovery import load_plugins

    plugins = load_plugins()
    bootstrap.install_plugins(plugins)
    return plugins


async def web_connector_tenant(database: Any, slug: str, *, batch_size: int) -> tuple[uuid.UUID, str, str]:
    """A tenant with a QuickBooks Desktop connection; returns (tenant, Web Connector user, password)."""
    from sqlalchemy import update

    from mlconnector.connectors.qbd import admin
    from mlconnector.connectors.qbd.models import Connection
    from mlconnector.tenants.models import Tenant

    tenant_id = uuid.uuid4()
    async with database.system_session() as session:
        session.add(Tenant(id=tenant_id, slug=slug, name=slug))
    username, password = await admin.rotate_password(database, tenant_id, slug)
    async with database.session(tenant_id) as session:
        await session.execute(update(Connection).where(Connection.tenant_id == tenant_id).values(batch_size=batch_size))
    return tenant_id, username, password


# --- our server -----------------------------------------------------------------------------------


class _Process:
    """A child ``mlc`` process with its log: its CPU time (children included) and a clean stop."""

    process: subprocess.Popen[bytes]
    log: IO[str]

    @property
    def pids(self) -> list[int]:
        return descendants(self.process.pid)

    def cpu(self) -> float:
        return cpu_seconds(self.pids)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


class Server(_Process):
    """``mlc serve`` (Granian, one worker) on a free port, in its own process group."""

    def __init__(self, env: dict[str, str], log: Path, *, workers: int = 1) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        full = {**os.environ, "PYTHONSAFEPATH": "1", **env}
        self.log = log.open("w")
        self.process = subprocess.Popen(
            [str(BIN / "mlc"), "serve", "--port", str(self.port), "--workers", str(workers)],
            env=full,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"mlc serve exited with {self.process.returncode}; see {log}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"mlc serve did not listen within 60 s; see {log}")
        time.sleep(0.5)


class Worker(_Process):
    """``mlc worker`` (Dramatiq on Redis) in its own process."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        full = {**os.environ, "PYTHONSAFEPATH": "1", "MLC_WORKER_METRICS_PORT": str(free_port()), **env}
        self.log = log.open("w")
        self.process = subprocess.Popen(
            [str(BIN / "mlc"), "worker"], env=full, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )


def profile(pid: int, out: Path) -> subprocess.Popen[bytes]:
    """py-spy (the ``bench`` extra) sampling ``pid`` and its children into collapsed stacks at ``out``."""
    spy = subprocess.Popen(
        [
            str(BIN / "py-spy"),
            "record",
            "--pid",
            str(pid),
            "--subprocesses",
            "--format",
            "raw",
            "--rate",
            "250",
            "--gil",
            "--output",
            str(out),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1.0)
    return spy


def stop_profile(spy: subprocess.Popen[bytes]) -> None:
    import signal

    spy.send_signal(signal.SIGINT)
    spy.wait(30)


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)
