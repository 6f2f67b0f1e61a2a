"""Tenant isolation, both walls. Wall 1 (every backend): services and repositories filter by the caller's tenant,
so another tenant's ids answer 404. Wall 2 (PostgreSQL, connected as the runtime role, which owns nothing and is
not BYPASSRLS): row-level security shows and accepts only the transaction's tenant's rows."""

from __future__ import annotations

import uuid

import pytest
from mlc_testing.accounts import KEK, csrf, sign_up, tenant_of
from mlc_testing.plugins import PROBE_PASSWORD
from mlc_testing.runtime_role import fetch_all
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from mlconnector.platform.db.engine import Database
from mlconnector.platform.jobs import enqueue
from mlconnector.platform.jobs.repository import upsert_schedule

SINK = {"host": "ok.example", "credentials": {"password": PROBE_PASSWORD}}
TENANT_TABLES = ("memberships", "invitations", "api_tokens", "tenant_keys", "connections", "connection_secrets")


async def _populate(client, email: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """An organisation with a member, an invitation, an API token and both connections; returns their ids."""
    await sign_up(client, email)
    tenant = await tenant_of(client)
    headers = await csrf(client)
    for plugin, config in (("testplug", {"url": "https://s.example", "token": "good-token"}), ("probesink", SINK)):
        assert (
            await client.put(f"/api/tenants/{tenant}/connections/{plugin}", json={"config": config}, headers=headers)
        ).status_code == 200
    token = (
        await client.post(f"/api/tenants/{tenant}/tokens", json={"name": "t", "scope": "write"}, headers=headers)
    ).json()
    invitation = (
        await client.post(f"/api/tenants/{tenant}/invitations", json={"email": f"x.{email}"}, headers=headers)
    ).json()
    (member,) = (await client.get(f"/api/tenants/{tenant}/members")).json()
    return {
        "tenant": tenant,
        "token_id": token["id"],
        "token": token["token"],
        "invitation_id": invitation["id"],
        "membership_id": member["id"],
    }


async def test_another_tenants_ids_answer_404_and_change_nothing(client, other_client, app_database) -> None:
    a = await _populate(client, "owner@alpha.example")
    b = await _populate(other_client, "owner@beta.example")
    stored_before = await fetch_all(app_database.owner_url, "SELECT id, config FROM connections ORDER BY id")
    h = await csrf(client)
    attempts = [
        ("GET", f"/api/tenants/{b['tenant']}", None),
        ("GET", f"/api/tenants/{b['tenant']}/members", None),
        ("GET", f"/api/tenants/{b['tenant']}/connections", None),
        ("GET", f"/api/tenants/{b['tenant']}/connections/testplug", None),
        ("PUT", f"/api/tenants/{b['tenant']}/connections/testplug", {"config": {"url": "x", "token": "evil-token"}}),
        ("POST", f"/api/tenants/{b['tenant']}/connections/probesink/ping", None),
        ("DELETE", f"/api/tenants/{b['tenant']}/connections/testplug", None),
        ("GET", f"/api/tenants/{b['tenant']}/tokens", None),
        ("POST", f"/api/tenants/{b['tenant']}/tokens", {"name": "mine now", "scope": "write"}),
        # B's row ids under A's own tenant: wall 1 filters them out
        ("DELETE", f"/api/tenants/{a['tenant']}/tokens/{b['token_id']}", None),
        ("DELETE", f"/api/tenants/{a['tenant']}/invitations/{b['invitation_id']}", None),
        ("DELETE", f"/api/tenants/{a['tenant']}/members/{b['membership_id']}", None),
    ]
    for method, path, body in attempts:
        response = await client.request(method, path, json=body, headers=h)
        assert response.status_code == 404, (method, path, response.status_code, response.text)
    a_token = {"authorization": f"Bearer {a['token']}"}
    for path in (f"/api/tenants/{b['tenant']}/connections", f"/api/tenants/{b['tenant']}"):
        assert (await client.get(path, headers=a_token)).status_code == 404
    assert await fetch_all(app_database.owner_url, "SELECT id, config FROM connections ORDER BY id") == stored_before
    b_headers = {"authorization": f"Bearer {b['token']}"}
    assert (await other_client.get(f"/api/tenants/{b['tenant']}/tokens", headers=b_headers)).status_code == 403
    assert len((await other_client.get(f"/api/tenants/{b['tenant']}/connections", headers=b_headers)).json()) == 2
    assert len(await fetch_all(app_database.owner_url, "SELECT id FROM api_tokens WHERE revoked_at IS NULL")) == 2


# -- wall 2: PostgreSQL row-level security, as the runtime role -------------------------------------------------
@pytest.fixture
async def two_tenants(postgres_app_database, make_settings, mailbox):  # type: ignore[no-untyped-def]
    """Tenants A and B, fully populated through the API, plus a job and a schedule each and a system job."""
    from litestar.testing import AsyncTestClient
    from mlc_testing.plugins import account_plugins

    from mlconnector.platform.app import create_app

    settings = make_settings(DATABASE_URL=postgres_app_database.url, MLC_AUTO_MIGRATE="false", MLC_VAULT_KEKS=KEK)
    ids = {}
    for name in ("alpha", "beta"):
        app = create_app(settings, plugins=account_plugins(), start_jobs=False, mail_sender=mailbox)
        async with AsyncTestClient(app) as client:
            ids[name] = await _populate(client, f"owner@{name}.example")
    database = Database(postgres_app_database.url, pool_size=1)
    for name in ("alpha", "beta"):
        tenant = uuid.UUID(ids[name]["tenant"])
        async with database.session(tenant) as session:
            await enqueue(session, "test.nothing")
            await upsert_schedule(
                session, name=f"poll:{name}", kind="test.nothing", interval_seconds=60, tenant_id=tenant
            )
    async with database.system_session() as session:
        await enqueue(session, "core.ping")
    yield uuid.UUID(ids["alpha"]["tenant"]), uuid.UUID(ids["beta"]["tenant"]), database
    await database.dispose()


async def _count(database: Database, tenant: uuid.UUID | None, sql: str, **params: object) -> int:
    async with database.session(tenant) as session:
        return (await session.execute(text(sql), params)).scalar_one()


@pytest.mark.postgres
async def test_tenant_a_sees_none_of_b_rows(two_tenants, postgres_app_database) -> None:
    a, b, database = two_tenants
    owner = postgres_app_database.owner_url
    for table in (*TENANT_TABLES, "jobs", "schedules"):
        own = (await fetch_all(owner, f"SELECT count(*) FROM {table} WHERE tenant_id = :a", a=a))[0][0]
        assert own > 0, table
        assert await _count(database, a, f"SELECT count(*) FROM {table} WHERE tenant_id = :b", b=b) == 0, table
        assert await _count(database, a, f"SELECT count(*) FROM {table}") == own, table  # not even unfiltered
    assert await _count(database, a, "SELECT count(*) FROM tenants") == 1
    assert await _count(database, a, "SELECT count(*) FROM tenants WHERE id = :b", b=b) == 0


@pytest.mark.postgres
@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO api_tokens (id, tenant_id, name, scope, token_hash, created_at)"
        " VALUES (gen_random_uuid(), :b, 'planted', 'write', 'x', now())",
        "UPDATE connections SET tenant_id = :b WHERE tenant_id = :a",
        "INSERT INTO jobs (id, tenant_id, kind, payload, state, attempts, max_attempts, run_after, created_at,"
        " updated_at) VALUES (gen_random_uuid(), :b, 'x', '{}', 'queued', 0, 1, now(), now(), now())",
        "INSERT INTO tenants (id, slug, name, is_sandbox, created_at) VALUES (:b_new, 'sneaky', 'S', false, now())",
        "INSERT INTO memberships (id, tenant_id, user_id, role, created_at)"
        " SELECT gen_random_uuid(), :b, user_id, 'owner', now() FROM memberships WHERE tenant_id = :a",
    ],
)
async def test_a_write_carrying_another_tenant_id_is_refused_by_the_policy(two_tenants, statement) -> None:
    a, b, database = two_tenants
    with pytest.raises(DBAPIError, match="row-level security"):
        async with database.session(a) as session:
            await session.execute(text(statement), {"a": a, "b": b, "b_new": uuid.uuid4()})


@pytest.mark.postgres
async def test_with_no_tenant_bound_nothing_is_visible_or_writable(two_tenants, postgres_app_database) -> None:
    a, _, database = two_tenants
    for table in (*TENANT_TABLES, "jobs", "schedules", "tenants"):
        assert (await fetch_all(postgres_app_database.owner_url, f"SELECT count(*) FROM {table}"))[0][0] > 0
        assert await _count(database, None, f"SELECT count(*) FROM {table}") == 0, table
    with pytest.raises(DBAPIError, match="row-level security"):
        async with database.session(None) as session:
            await session.execute(
                text("UPDATE connections SET config = '{}' WHERE tenant_id = :a RETURNING id"), {"a": a}
            )
            await session.execute(
                text(
                    "INSERT INTO connections (id, tenant_id, kind, plugin, config, created_at, updated_at)"
                    " VALUES (gen_random_uuid(), :a, 'x', 'x', '{}', now(), now())"
                ),
                {"a": a},
            )
    assert await _count(database, a, "SELECT count(*) FROM connections WHERE config::text = '{}'") == 0


@pytest.mark.postgres
async def test_a_pooled_connection_carries_no_tenant_into_the_next_checkout(two_tenants) -> None:
    a, _, database = two_tenants  # pool_size=1: every checkout is the same backend
    probe = "SELECT pg_backend_pid(), current_setting('app.tenant_id', true), current_setting('app.system', true)"
    async with database.session(a) as session:
        pid, tenant, system = (await session.execute(text(probe))).one()
    assert tenant == str(a) and system in ("", None)
    async with database.engine.connect() as connection:  # no tenant asked for: none carried over
        same_pid, carried_tenant, carried_system = (await connection.execute(text(probe))).one()
        assert same_pid == pid and carried_tenant in ("", None) and carried_system in ("", None)
    with pytest.raises(RuntimeError):
        async with database.session(a) as session:
            await session.execute(text("SELECT 1"))
            raise RuntimeError("the unit of work fails")
    async with database.system_session() as session:
        assert (await session.execute(text(probe))).one()[2] == "on"
    async with database.session(None) as session:
        after = (await session.execute(text(probe))).one()
        assert after[0] == pid and after[1] in ("", None) and after[2] in ("", None)
        assert (await session.execute(text("SELECT count(*) FROM connections"))).scalar_one() == 0


@pytest.mark.postgres
async def test_every_tenant_table_forces_row_level_security_with_a_policy(postgres_app_database) -> None:
    url = postgres_app_database.url  # the runtime role reads the catalog
    tenant_tables = {
        row[0]
        for row in await fetch_all(
            url,
            "SELECT table_name FROM information_schema.columns"
            " WHERE column_name = 'tenant_id' AND table_schema = current_schema()",
        )
    }
    assert {*TENANT_TABLES, "jobs", "schedules"} <= tenant_tables
    rows = await fetch_all(
        url,
        "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,"
        " (SELECT count(*) FROM pg_policies p WHERE p.tablename = c.relname AND p.schemaname = current_schema()),"
        " (SELECT string_agg(p.qual || ' ' || p.with_check, ' ') FROM pg_policies p WHERE p.tablename = c.relname)"
        " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = current_schema() AND c.relname = ANY(:tables)",
        tables=sorted(tenant_tables | {"tenants"}),
    )
    assert len(rows) == len(tenant_tables) + 1
    for name, enabled, forced, policies, expression in rows:
        assert enabled and forced and policies >= 1, name
        assert "app.tenant_id" in expression, name
    ((superuser, bypass, owns),) = await fetch_all(
        url,
        "SELECT rolsuper, rolbypassrls,"
        " (SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tableowner = current_user)"
        " FROM pg_roles WHERE rolname = current_user",
    )
    assert (superuser, bypass, owns) == (False, False, 0)


async def test_log_lines_carry_the_requests_tenant_and_only_during_that_request(make_settings, app_database) -> None:
    import json

    from litestar.testing import AsyncTestClient
    from mlc_testing.leaks import capture_logs
    from mlc_testing.plugins import account_plugins

    from mlconnector.platform.app import create_app

    settings = make_settings(DATABASE_URL=app_database.url, MLC_AUTO_MIGRATE="false", MLC_VAULT_KEKS=KEK)
    app = create_app(settings, plugins=account_plugins(), start_jobs=False)  # emails go to the log
    async with AsyncTestClient(app) as client:
        await sign_up(client, "owner@acme.example")
        tenant = await tenant_of(client)
        with capture_logs() as logs:
            await client.post(
                f"/api/tenants/{tenant}/invitations", json={"email": "b@acme.example"}, headers=await csrf(client)
            )
            await client.post(
                "/api/auth/password-reset", json={"email": "owner@acme.example"}, headers=await csrf(client)
            )
    emails = [json.loads(line) for line in logs.getvalue().splitlines() if "log sender" in line]
    assert [(e["to"], e.get("tenant_id")) for e in emails] == [
        ("b@acme.example", tenant),
        ("owner@acme.example", None),
    ]
    assert all(e.get("request_id") for e in emails)
