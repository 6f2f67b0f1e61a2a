"""A sandbox: one call gives a labelled tenant whose simulated store's orders reach simulated books on their own."""

from __future__ import annotations

import uuid

import pytest
from mlc_testing.accounts import KEK, csrf
from mlc_testing.engine import documents_by_key
from mlc_testing.runtime_role import AppDatabase
from mlc_testing.sandbox import Sandbox, invoices_in_books, real_plugins, running_sandbox
from sqlalchemy import select

from mlconnector.connectors.commerce.errors import SANDBOX_ONLY, SandboxStoreRefused
from mlconnector.connectors.commerce.sandbox.store import BACKLOG, UNMAPPED_SKU
from mlconnector.connectors.qbd.emulator import RawSoapTransport
from mlconnector.connectors.qbd.models import Connection, SandboxBooks
from mlconnector.connectors.qbd.sandbox import SANDBOX_REFUSAL
from mlconnector.connectors.qbd.sandbox.cycle import PASSWORD_PURPOSE
from mlconnector.platform.db.base import new_id
from mlconnector.platform.db.engine import Database
from mlconnector.platform.plugins import connection_config, ingest, unseal_value
from mlconnector.platform.settings._env import parse_key_list
from mlconnector.platform.vault import Keyring
from mlconnector.platform.vault.sealing import seal_secret
from mlconnector.tenants.repositories import connections
from mlconnector.tenants.services.connections import SANDBOX_REFUSAL as CONNECTION_REFUSAL

MAX_CYCLES = 4
"""Orders already in the store must be in the books after this many simulated Web Connector updates: the first
reads QuickBooks' lists (released holds post at the next), then customers, invoices and payments go in."""


async def _held(sandbox: Sandbox) -> list[str]:
    return [row.hold_reason or "" for row in (await sandbox.documents()).values() if row.state == "held"]


async def _settled_books(sandbox: Sandbox) -> list[str]:
    invoices = await invoices_in_books(sandbox)
    return invoices if len(invoices) >= BACKLOG else []


async def test_a_sandbox_fills_its_simulated_books_and_holds_the_unmapped_sku(make_settings, app_database, mailbox):
    # Schedules far apart: each one fires once at creation, then the test runs the Web Connector's updates itself.
    slow = {"MLC_SANDBOX_CYCLE_SECONDS": "3600"}
    async with running_sandbox(make_settings, app_database.url, mailbox, **slow) as sandbox:
        assert sandbox.tenant["is_sandbox"] is True
        me = (await sandbox.client.get("/api/me")).json()
        assert [t["is_sandbox"] for t in me["tenants"] if t["id"] == sandbox.tenant["id"]] == [True]
        assert "Sandbox" in sandbox.created["message"]

        invoices: list[str] = []
        for _ in range(MAX_CYCLES):
            await sandbox.cycle()
            invoices = await _settled_books(sandbox)
            if invoices:
                break
        books, _ = await sandbox.books()
        assert invoices, f"no invoices in the simulated books after {books.cycles} Web Connector updates"
        assert any(UNMAPPED_SKU in reason for reason in await _held(sandbox))
        rows = (await sandbox.documents()).values()
        assert set(invoices) <= {row.number for row in rows if row.state == "posted" and row.type == "invoice"}


async def test_orders_reach_the_books_on_the_sandbox_schedule_alone(make_settings, app_database, mailbox):
    async with running_sandbox(make_settings, app_database.url, mailbox) as sandbox:
        assert await sandbox.until(lambda: _settled_books(sandbox))
        assert await sandbox.until(lambda: _held(sandbox))


async def test_a_sandbox_cannot_be_connected_to_a_real_store_or_web_connector(make_settings, app_database, mailbox):
    async with running_sandbox(make_settings, app_database.url, mailbox) as sandbox:
        tenant_id = sandbox.tenant_id
        response = await sandbox.client.put(
            f"/api/tenants/{tenant_id}/connections/commerce",
            json={"config": {"base_url": "https://shop.example", "auth_mode": "bearer", "access_token": "x" * 32}},
            headers=await csrf(sandbox.client),
        )
        assert response.status_code == 409 and CONNECTION_REFUSAL in response.text

        async with sandbox.database.session(tenant_id) as session:
            books = (await session.execute(select(SandboxBooks))).scalar_one()
            password = (await unseal_value(session, PASSWORD_PURPOSE, books.sealed_password)).reveal()
            username = (await session.execute(select(Connection.username))).scalar_one()
        real = RawSoapTransport(sandbox.client, "/connectors/qbd/qbwc")
        assert await real.call("authenticate", strUserName=username, strPassword=password) == ["", "nvu"]
        async with sandbox.database.session(tenant_id) as session:
            connection = (await session.execute(select(Connection))).scalar_one()
        assert connection.last_error == SANDBOX_REFUSAL
        assert password not in response.text


@pytest.mark.redis
async def test_a_sandbox_runs_with_redis_workers(make_settings, postgres_app_database: AppDatabase, redis_url, mailbox):
    async with running_sandbox(make_settings, postgres_app_database.url, mailbox, REDIS_URL=redis_url) as sandbox:
        assert await sandbox.until(lambda: _settled_books(sandbox))


def test_mlc_sandbox_prints_the_tenant_and_how_to_sign_in(make_settings, app_database, monkeypatch) -> None:
    import json

    from click.testing import CliRunner
    from mlc_testing.accounts import KEK
    from mlc_testing.sandbox import real_plugins

    from mlconnector.platform.cli.app import build_cli

    make_settings(DATABASE_URL=app_database.url, MLC_VAULT_KEKS=KEK)
    plugins = real_plugins()
    monkeypatch.setattr("mlconnector.platform.bootstrap.load_runtime_plugins", lambda _settings: plugins)
    readable = CliRunner().invoke(build_cli(), ["sandbox"])
    assert readable.exit_code == 0, readable.output
    assert "[Sandbox]" in readable.stdout and "sign in at http://localhost:8000/ with sandbox-store" in readable.stdout
    assert "password (shown once): " in readable.stdout
    scripted = CliRunner().invoke(build_cli(), ["sandbox", "--owner", "boss@example.com", "--json"])
    data = json.loads(scripted.stdout)
    assert data["is_sandbox"] is True and data["login"] is None
    assert data["owner_invitation_link"].startswith("http://localhost:8000/invitations/accept?token=")


async def test_the_try_the_sandbox_button_opens_a_labelled_dashboard(make_settings, app_database, mailbox) -> None:
    async with running_sandbox(make_settings, app_database.url, mailbox) as sandbox:
        client = sandbox.client
        own = (await client.get("/api/me")).json()["tenants"]
        real = next(t for t in own if not t["is_sandbox"])
        page = await client.get(f"/t/{real['id']}/")
        assert "Try the sandbox" in page.text and 'action="/sandbox"' in page.text
        token = (await csrf(client))["x-csrf-token"]
        pressed = await client.post("/sandbox", data={"_csrf_token": token}, follow_redirects=False)
        assert pressed.status_code == 303, pressed.text
        dashboard = await client.get(pressed.headers["location"])
        assert dashboard.status_code == 200
        assert "Sandbox — a simulated store and simulated QuickBooks" in dashboard.text
        assert "Your sandbox is ready" in dashboard.text and "Try the sandbox" not in dashboard.text
        unprotected = await client.post("/sandbox", follow_redirects=False)
        assert unprotected.status_code == 403  # no CSRF token, no sandbox


async def _real_tenant(sandbox: Sandbox) -> uuid.UUID:
    tenants = (await sandbox.client.get("/api/me")).json()["tenants"]
    return uuid.UUID(next(t["id"] for t in tenants if not t["is_sandbox"]))


async def test_a_real_organisation_cannot_save_a_sandbox_store_address(make_settings, app_database, mailbox) -> None:
    async with running_sandbox(make_settings, app_database.url, mailbox, MLC_SANDBOX_CYCLE_SECONDS="3600") as sandbox:
        client, real = sandbox.client, await _real_tenant(sandbox)
        own_store = (await sandbox.client.get(f"/api/tenants/{sandbox.tenant_id}/connections/commerce")).json()
        for address in ("https://shop-x-1.sandbox.invalid", own_store["config"]["base_url"]):
            config = {"base_url": address, "auth_mode": "bearer", "access_token": "x" * 32}
            response = await client.put(
                f"/api/tenants/{real}/connections/commerce", json={"config": config}, headers=await csrf(client)
            )
            assert response.status_code == 422, response.text
            assert response.json()["details"] == [{"key": "base_url", "message": SANDBOX_ONLY}]
            token = (await csrf(client))["x-csrf-token"]
            wizard = await client.post(
                f"/t/{real}/setup/store", data={"_csrf_token": token, "plugin": "commerce", **config}
            )
            assert wizard.status_code == 400 and SANDBOX_ONLY.replace("'", "&#39;") in wizard.text
        assert (await client.get(f"/api/tenants/{real}/connections/commerce")).status_code == 404  # nothing stored


async def test_a_real_organisation_never_reads_a_sandbox_store(make_settings, app_database, mailbox) -> None:
    async with running_sandbox(make_settings, app_database.url, mailbox, MLC_SANDBOX_CYCLE_SECONDS="3600") as sandbox:
        real, commerce = await _real_tenant(sandbox), real_plugins().get("commerce")
        async with sandbox.database.session(sandbox.tenant_id) as session:
            config = await connection_config(session, sandbox.tenant_id, "commerce")
        assert config is not None
        await _store_unchecked(sandbox.database, real, dict(config))  # as if validation had been bypassed

        ping = await sandbox.client.post(
            f"/api/tenants/{real}/connections/commerce/ping", headers=await csrf(sandbox.client)
        )
        assert ping.json()["ok"] is False and SANDBOX_ONLY in ping.json()["message"]
        with pytest.raises(SandboxStoreRefused, match="sandbox organisation"):
            await ingest(sandbox.database, commerce, real, "order", config=config)
        assert await documents_by_key(sandbox.database, real) == {}


async def _store_unchecked(database: Database, tenant_id: uuid.UUID, config: dict) -> None:
    """A commerce connection written straight to the tables, past every check."""
    keyring = Keyring(parse_key_list("test", KEK), "k1")
    token = config.pop("access_token").reveal()
    async with database.session(tenant_id) as session:
        connection_id = new_id()
        await connections.insert(session, tenant_id, connection_id, kind="source", plugin="commerce", config=config)
        sealed = await seal_secret(session, keyring, connection_id, "access_token", token)
        await connections.put_secret(session, tenant_id, connection_id, "access_token", sealed)


async def test_an_owner_deletes_the_sandbox_and_nothing_real_is_touched(make_settings, app_database, mailbox) -> None:
    from mlconnector.platform.jobs.models import Job, Schedule
    from mlconnector.platform.sandbox import NOT_A_SANDBOX

    async with running_sandbox(make_settings, app_database.url, mailbox) as sandbox:
        client = sandbox.client
        await sandbox.idle()
        real = await _real_tenant(sandbox)
        dashboard = await client.get(f"/t/{sandbox.tenant_id}/")
        assert "Delete this sandbox" in dashboard.text
        assert "Delete this sandbox" not in (await client.get(f"/t/{real}/")).text
        token = (await csrf(client))["x-csrf-token"]

        refused = await client.delete(f"/api/tenants/{real}/sandbox", headers={"x-csrf-token": token})
        assert refused.status_code == 403 and NOT_A_SANDBOX in refused.text
        assert (await client.get(f"/t/{real}/")).status_code == 200  # the real organisation is still there

        pressed = await client.post(
            f"/t/{sandbox.tenant_id}/sandbox/delete", data={"_csrf_token": token}, follow_redirects=False
        )
        assert pressed.status_code == 303 and pressed.headers["location"] == "/"
        assert (await client.get(f"/t/{sandbox.tenant_id}/")).status_code == 404
        assert all(t["id"] != str(sandbox.tenant_id) for t in (await client.get("/api/me")).json()["tenants"])
        await sandbox.idle()  # jobs that were running when it went end quietly, and nothing schedules more
        async with sandbox.database.system_session() as session:
            waiting = select(Job).where(Job.tenant_id == sandbox.tenant_id, Job.state.in_(("queued", "running")))
            left = [
                (await session.execute(waiting)).first(),
                (await session.execute(select(Schedule).where(Schedule.tenant_id == sandbox.tenant_id))).first(),
                (
                    await session.execute(select(SandboxBooks).where(SandboxBooks.tenant_id == sandbox.tenant_id))
                ).first(),
            ]
        assert left == [None, None, None]
        gone = await client.delete(f"/api/tenants/{sandbox.tenant_id}/sandbox", headers={"x-csrf-token": token})
        assert gone.status_code == 404
