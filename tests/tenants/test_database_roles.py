"""The runtime role: derived from the URLs, granted data access by every upgrade, refused if it could bypass RLS,
and unable to change the schema or switch row-level security off."""

from __future__ import annotations

import uuid

import pytest
from mlc_testing.asyncio_thread import run
from mlc_testing.databases import _admin, installed_migrations
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from mlconnector.platform.db import migrate
from mlconnector.platform.db.engine import build_engine
from mlconnector.platform.errors import SettingsError


def test_the_runtime_role_defaults_to_the_runtime_user_when_it_is_not_the_owner(make_settings) -> None:
    split = make_settings(
        DATABASE_URL="postgresql://mlc_app@db:5432/mlc", DATABASE_OWNER_URL="postgresql://mlc_owner@db:5432/mlc"
    )
    assert split.database.runtime_role == "mlc_app"
    same = make_settings(DATABASE_URL="postgresql://mlc@db:5432/mlc", DATABASE_OWNER_URL=None)
    assert same.database.runtime_role is None
    explicit = make_settings(MLC_DB_RUNTIME_ROLE="web_role")
    assert explicit.database.runtime_role == "web_role"
    with pytest.raises(SettingsError, match="MLC_DB_RUNTIME_ROLE"):
        make_settings(MLC_DB_RUNTIME_ROLE='x"; DROP TABLE users; --')


@pytest.fixture
def bypassing_role(postgres_url):  # type: ignore[no-untyped-def]
    role = f"mlc_bypass_{uuid.uuid4().hex[:8]}"
    run(_admin(postgres_url, f'CREATE ROLE "{role}" LOGIN BYPASSRLS'))
    yield role
    run(_admin(postgres_url, f'DROP ROLE IF EXISTS "{role}"'))


@pytest.mark.postgres
async def test_upgrade_refuses_roles_that_would_slip_past_row_level_security(postgres_database, bypassing_role) -> None:
    with pytest.raises(SettingsError, match="superuser or BYPASSRLS"):
        await migrate.upgrade(postgres_database, installed_migrations(), runtime_role=bypassing_role)
    with pytest.raises(SettingsError, match="does not exist; create it first"):
        await migrate.upgrade(postgres_database, installed_migrations(), runtime_role="mlc_nobody_here")
    with pytest.raises(SettingsError, match="superuser or BYPASSRLS"):
        await migrate.upgrade(postgres_database, installed_migrations(), runtime_role="postgres")


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("statement", "refusal"),
    [
        ("ALTER TABLE connections DISABLE ROW LEVEL SECURITY", "must be owner"),
        ("DROP POLICY tenant_isolation ON connections", "must be owner"),
        ("UPDATE alembic_version SET version_num = 'x'", "permission denied"),
        ("CREATE TABLE sneaky (id int)", "permission denied"),
    ],
)
async def test_the_runtime_role_cannot_change_the_schema_or_switch_rls_off(
    postgres_app_database, statement, refusal
) -> None:
    await migrate.upgrade(
        postgres_app_database.owner_url,
        installed_migrations(),
        runtime_role=make_url(postgres_app_database.url).username,
    )
    engine = build_engine(postgres_app_database.url, null_pool=True)
    try:
        with pytest.raises(DBAPIError, match=refusal):
            async with engine.begin() as connection:
                await connection.execute(text(statement))
        async with engine.connect() as connection:  # but it reads the schema version, to refuse a stale schema
            assert (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalar()
    finally:
        await engine.dispose()
