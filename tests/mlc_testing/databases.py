"""Migrated databases on both backends.

``database_url`` is parametrised: every test that uses it runs on the embedded SQLite default and on PostgreSQL.
SQLite tests get a copy of a file migrated once; PostgreSQL tests share one database per run, migrated once and
emptied before each test.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from mlc_testing.asyncio_thread import run
from mlconnector.platform.db import migrate
from mlconnector.platform.db.engine import Database, build_engine

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def installed_migrations() -> list[Path]:
    """Every installed plugin's migration folder: test databases have the production shape."""
    from mlconnector.platform.plugins.discovery import load_plugins

    return load_plugins().migration_folders()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.sqlite3"
    run(migrate.upgrade(sqlite_url(path), installed_migrations()))
    return path


async def _admin(url: str, statement: str) -> None:
    engine = build_engine(url, null_pool=True)
    async with engine.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(text(statement))
    await engine.dispose()


@pytest.fixture(scope="session")
def postgres_database(postgres_url: str) -> Iterator[str]:
    """A fresh database for this test run, migrated to the heads."""
    name = f"mlc_test_{uuid.uuid4().hex[:12]}"
    run(_admin(postgres_url, f'CREATE DATABASE "{name}"'))
    url = postgres_url.rsplit("/", 1)[0] + f"/{name}"
    run(migrate.upgrade(url, installed_migrations()))
    yield url
    run(_admin(postgres_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def empty_postgres(url: str) -> None:
    engine = build_engine(url, null_pool=True)
    async with engine.begin() as connection:
        tables = (
            (
                await connection.execute(
                    text(
                        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
                    )
                )
            )
            .scalars()
            .all()
        )
        if tables:
            quoted = ", ".join(f'"{table}"' for table in tables)
            await connection.execute(text(f"TRUNCATE {quoted} CASCADE"))
    await engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database: SQLite (embedded default) and PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "mlc.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return sqlite_url(path)
    url = request.getfixturevalue("postgres_database")
    run(empty_postgres(url))
    return url


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = Database(database_url, pool_size=2)
    yield db
    await db.dispose()
