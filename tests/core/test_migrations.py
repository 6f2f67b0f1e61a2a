"""Migrations go up and down on both databases, and the models match what they build."""

from __future__ import annotations

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from mlc_testing.databases import BACKENDS, _admin, sqlite_url
from sqlalchemy import inspect

from mlconnector.platform.db import migrate
from mlconnector.platform.db.base import Base
from mlconnector.platform.db.engine import build_engine
from mlconnector.platform.db.models import import_all_models

CORE_TABLES = {
    "tenants",
    "jobs",
    "schedules",
    "source_records",
    "read_cursors",
    "sink_outcomes",
    "documents",
    "audit_events",
    "sink_settings",
    "sync_settings",
}


@pytest.fixture(params=BACKENDS)
async def empty_url(request: pytest.FixtureRequest, tmp_path):
    if request.param == "sqlite":
        yield sqlite_url(tmp_path / "fresh.sqlite3")
        return
    admin = request.getfixturevalue("postgres_url")
    name = f"mlc_migrate_{uuid.uuid4().hex[:10]}"
    await _admin(admin, f'CREATE DATABASE "{name}"')
    yield admin.rsplit("/", 1)[0] + f"/{name}"
    await _admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _tables(url: str) -> set[str]:
    engine = build_engine(url, null_pool=True)
    async with engine.connect() as connection:
        names = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    await engine.dispose()
    return names - {"alembic_version"}


async def test_upgrade_downgrade_upgrade(empty_url: str) -> None:
    await migrate.upgrade(empty_url)
    assert await _tables(empty_url) >= CORE_TABLES
    await migrate.ensure_current(empty_url)

    await migrate.downgrade(empty_url, "base")
    assert await _tables(empty_url) == set()
    assert await migrate.database_heads(empty_url) == set()

    await migrate.upgrade(empty_url)
    assert await _tables(empty_url) >= CORE_TABLES


def core_tables() -> set[str]:
    """Tables of the core's own models. ``Base.metadata`` also holds the models of whichever plugins the tests
    imported before this one; each plugin compares its own branch with its own models."""
    return {
        mapper.local_table.name
        for mapper in Base.registry.mappers
        if mapper.class_.__module__.startswith(("mlconnector.platform.", "mlconnector.tenants.", "mlconnector.web."))
    }


def only_tables(tables: set[str]):
    def include(obj, name, type_, reflected, compare_to) -> bool:
        table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
        return table is None or table in tables

    return include


async def test_models_match_the_migrations(empty_url: str) -> None:
    await migrate.upgrade(empty_url)
    import_all_models()
    options = {"compare_type": False, "include_object": only_tables(core_tables())}
    engine = build_engine(empty_url, null_pool=True)
    async with engine.connect() as connection:
        differences = await connection.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync, opts=options), Base.metadata)
        )
    await engine.dispose()
    assert differences == []
