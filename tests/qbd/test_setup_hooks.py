"""The onboarding hooks of the QuickBooks sink: the Web Connector credential, the .qwc file and QuickBooks' lists
for mapping — exercised through the core's wrappers, as the dashboard calls them."""

from __future__ import annotations

import pytest
from lxml import etree
from qbd.helpers import make_merchant, running, stocked_simulator

from mlconnector.connectors.qbd.plugin import QuickBooksDesktopSink
from mlconnector.platform.plugins import NotSupported, PluginContext
from mlconnector.platform.plugins.calls import download_client_file, issue_credentials, read_catalog, supports
from mlconnector.platform.redaction import redact


def _context(merchant, database) -> PluginContext:
    return PluginContext(
        tenant_id=merchant.tenant_id, config={"username": merchant.username}, session=None, database=database,
        public_base_url="https://sync.example.com",
    )


async def test_hook_credentials(qbd_database) -> None:
    merchant = await make_merchant(qbd_database)
    issued = await issue_credentials(QuickBooksDesktopSink(), _context(merchant, qbd_database))
    assert issued["username"] == merchant.username
    assert len(issued["password"]) >= 16 and issued["password"] != merchant.password
    assert redact(f"password is {issued['password']}") == "password is ********"  # never logged from now on


async def test_hook_client_file(qbd_database) -> None:
    merchant = await make_merchant(qbd_database)
    qwc = await download_client_file(QuickBooksDesktopSink(), _context(merchant, qbd_database))
    assert (qwc.filename, qwc.content_type) == (f"{merchant.username}.qwc", "application/x-qwc")
    root = etree.fromstring(qwc.content)
    assert root.findtext("AppURL") == "https://sync.example.com/connectors/qbd/qbwc"
    assert root.findtext("UserName") == merchant.username


async def test_hook_catalog(make_settings, qbd_url, qbd_database) -> None:
    merchant = await make_merchant(qbd_database)
    plugin = QuickBooksDesktopSink()
    context = _context(merchant, qbd_database)
    assert await read_catalog(plugin, context, "items", refresh=True) == []  # asked; QuickBooks answers later
    simulator = stocked_simulator()
    async with running(make_settings, qbd_url) as harness:
        await harness.emulator(merchant, simulator).run_session()
    items = await read_catalog(plugin, context, "items")
    assert {item.full_name for item in items} >= {"Joust Duffle Bag", "Shipping", "Discount"}
    methods = await read_catalog(plugin, context, "payment_methods")
    assert {method.full_name for method in methods} >= {"Check", "Credit Card"}
    with pytest.raises(ValueError, match="no list 'vendors'"):
        await read_catalog(plugin, context, "vendors")


def test_optional_hooks_are_declared_by_overriding() -> None:
    from mlc_testing.plugins import TestSink

    assert supports(QuickBooksDesktopSink(), "catalog") and not supports(TestSink(), "catalog")
    import asyncio

    with pytest.raises(NotSupported):
        asyncio.run(read_catalog(TestSink(), None, "items"))  # type: ignore[arg-type]
