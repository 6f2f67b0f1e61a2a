"""After the Web Connector has run: the dashboard counts what was synced, shows the last contact and the company
file, and the audit trail names the QuickBooks ids of what was posted."""

from __future__ import annotations

import re

from litestar.testing import AsyncTestClient
from qbd.helpers import stocked_simulator
from sync_api.engine_helpers import open_shop, run_jobs
from web.web_pages import submit

from mlconnector.connectors.qbd.emulator import RawSoapTransport, WebConnectorEmulator
from mlconnector.platform.db.engine import Database


async def books_run(client: AsyncTestClient, database: Database, tenant: str) -> None:
    """Issue the Web Connector password through the setup page, then let the Web Connector poll a few times."""
    base = f"/t/{tenant}/setup/books"
    username = re.search(r'name="username" type="text" value="([^"]+)"', (await client.get(base)).text)
    assert username
    issued = await submit(client, base, {"username": username.group(1)}, page=base)
    password = re.search(r'<dt>Password</dt><dd class="once">([^<]+)</dd>', issued.text)
    assert password
    simulator = stocked_simulator()
    for _ in range(3):
        emulator = WebConnectorEmulator(
            RawSoapTransport(client, "/connectors/qbd/qbwc"), username.group(1), password.group(1), simulator
        )
        await emulator.run_session()
        await run_jobs(database)


async def test_dashboard_after_documents_posted(client: AsyncTestClient, database: Database) -> None:
    shop = await open_shop(client, database, "owner@bikes.example")
    await books_run(client, database, shop.tenant)
    page = await client.get(f"/t/{shop.tenant}/")
    assert page.status_code == 200
    synced_today = re.search(r'<div class="stat">(\d+)</div><div class="stat-label">documents synced today', page.text)
    assert synced_today and int(synced_today.group(1)) > 0, page.text[:3000]
    assert (
        "Last Web Connector contact" in page.text
        and "never" not in page.text.split("Last Web Connector contact")[1][:200]
    )
    assert "has not polled" not in page.text
    audit = await client.get(f"/t/{shop.tenant}/audit?number=000000002")
    assert "In the books:" in audit.text and "qbXML sent" in audit.text
    for path in (
        "/documents?state=posted",
        "/variance?day=2026-01-05",
        "/setup/contact",
        "/setup/preview",
        "/settings",
    ):
        response = await client.get(f"/t/{shop.tenant}{path}")
        assert response.status_code == 200, path
    assert "posted" in (await client.get(f"/t/{shop.tenant}/documents?state=posted")).text
    contact = await client.get(f"/t/{shop.tenant}/setup/contact/status")
    assert "Connected to QuickBooks company" in contact.text and "data-refresh-stop" in contact.text
