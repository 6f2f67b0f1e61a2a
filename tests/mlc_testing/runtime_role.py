"""PostgreSQL as the app really connects: a runtime role that owns nothing and is not BYPASSRLS.

The role gets its privileges exactly as an operator's does — :func:`grant_runtime_role`, which ``mlc db upgrade``
runs — so these fixtures also test that grant. ``app_database`` is parametrised over the embedded SQLite default
and PostgreSQL-as-the-runtime-role; ``owner_url`` is the same database as its owner (to look past RLS).
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from mlc_testing.asyncio_thread import run
from mlc_testing.databases import BACKENDS, _admin, empty_postgres, sqlite_url
from mlconnector.platform.db.engine import build_engine
from mlconnector.platform.db.grants import grant_runtime_role


@dataclass(frozen=True)
class AppDatabase:
    backend: str
    url: str
    """What the app connects with (the runtime role on PostgreSQL)."""
    owner_url: str
    """The same database as its owner (superuser in tests): sees every row."""

    @property
    def is_postgres(self) -> bool:
        return self.backend == "postgresql"


async def _grant(owner_url: str, role: str) -> None:
    engine = build_engine(owner_url, null_pool=True)
    async with engine.begin() as connection:
        await connection.run_sync(grant_runtime_role, role)
    await engine.dispose()


@pytest.fixture(scope="session")
def runtime_role_url(postgres_url: str, postgres_database: str) -> Iterator[str]:
    role = f"mlc_rt_{uuid.uuid4().hex[:10]}"
    run(_admin(postgres_url, f'CREATE ROLE "{role}" LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE'))
    run(_grant(postgres_database, role))
    yield make_url(postgres_database).set(username=role, password=None).render_as_string(hide_password=False)
    run(_admin(postgres_database, f'DROP OWNED BY "{role}"'))
    run(_admin(postgres_url, f'DROP ROLE IF EXISTS "{role}"'))


@pytest.fixture(params=BACKENDS)
def app_database(request: pytest.FixtureRequest, tmp_path: Path) -> AppDatabase:
    """A migrated, empty database: SQLite, and PostgreSQL connected as the runtime role."""
    if request.param == "sqlite":
        path = tmp_path / "mlc.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return AppDatabase("sqlite", sqlite_url(path), sqlite_url(path))
    owner = request.getfixturevalue("postgres_database")
    runtime = request.getfixturevalue("runtime_role_url")
    run(empty_postgres(owner))
    return AppDatabase("postgresql", runtime, owner)


@pytest.fixture
def postgres_app_database(postgres_database: str, runtime_role_url: str) -> AppDatabase:
    """PostgreSQL only, as the runtime role (for row-level security tests)."""
    run(empty_postgres(postgres_database))
    return AppDatabase("postgresql", runtime_role_url, postgres_database)


async def fetch_all(url: str, sql: str, **params: object) -> list[tuple]:
    engine = build_engine(url, null_pool=True)
    async with engine.connect() as connection:
        rows = (await connection.execute(text(sql), params)).all()
    await engine.dispose()
    return [tuple(row) for row in rows]
