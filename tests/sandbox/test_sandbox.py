"""A sandbox: one call gives a labelled tenant whose simulated store's orders reach simulated books on their own."""

from __future__ import annotations

import pytest
from mlc_testing.accounts import csrf
from mlc_testing.runtime_role import AppDatabase
from mlc_testing.sandbox import Sandbox, invoices_in_books, running_sandbox
from sqlalchemy import select

from mlconnector.connectors.commerce.sandbox.store import BACKLOG, UNMAPPED_SKU
from mlconnector.connectors.qbd.emulator import RawSoapTransport
from mlconnector.connectors.qbd.models import Connection, SandboxBooks
from mlconnector.connectors.qbd.sandbox import SANDBOX_REFUSAL
from mlconnector.connectors.qbd.sandbox.cycle import PASSWORD_PURPOSE
from mlconnector.platform.plugins import unseal_value
from mlconnector.tenants.services.connections import SANDBOX_REFUSAL as CONNECTION_REFUSAL

MAX_CYCLES = 8
"""Orders already in the store must be in the books after this many simulated Web Connector updates: the first
reads QuickBooks' lists, the next ones post customers, invoices and payments."""


async def _held(sandbox: Sandbox) -> list[str]:
    return [row.hold_reason or "" for row in (await sandbox.documents()).values() if row.state == "held"]


async def _settled_books(sandbox: Sandbox) -> list[str]:
    invoices = await invoices_in_books(sandbox)
    return invoices if len(invoices) >= BACKLOG else []


async def test_a_sandbox_fills_its_simulated_books_and_holds_the_unmapped_sku(make_settings, app_database, mailbox):
    async with running_sandbox(make_settings, app_database.url, mailbox) as sandbox:
        assert sandbox.tenant["is_sandbox"] is True
        me = (await sandbox.client.get("/api/me")).json()
        assert [t["is_sandbox"] for t in me["tenants"] if t["id"] == sandbox.tenant["id"]] == [True]
        assert "Sandbox" in sandbox.created["message"]

        invoices = await sandbox.until(lambda: _settled_books(sandbox))
        held = await sandbox.until(lambda: _held(sandbox))
        books, _ = await sandbox.books()
        assert books.cycles <= MAX_CYCLES, f"{books.cycles} cycles to post {len(invoices)} invoices"
        assert any(UNMAPPED_SKU in reason for reason in held), held

        async def posted_invoices() -> bool:
            rows = (await sandbox.documents()).values()
            return set(invoices) <= {row.number for row in rows if row.state == "posted" and row.type == "invoice"}

        assert await sandbox.until(posted_invoices)


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
