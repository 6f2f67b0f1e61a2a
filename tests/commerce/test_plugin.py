"""The plugin as the core and partners see it: the contract kit, reference payloads read through the fake and
normalised, the fake served on a real port, and the fake's own fidelity to what the notes document."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from mlc_testing.commerce import oauth_config, wired_plugin

from mlconnector.connectors.commerce.config import parse_connection
from mlconnector.connectors.commerce.fake import FakeCommerce
from mlconnector.connectors.commerce.plugin import AdobeCommerceSource
from mlconnector.connectors.commerce.records import make_record
from mlconnector.connectors.commerce.reference import load
from mlconnector.connectors.commerce.search import SearchCriteria
from mlconnector.platform.documents import Invoice, Payment
from mlconnector.platform.plugins import SourceContext
from mlconnector.platform.plugins.contract import SourceContract

STORE = {
    "store_id": 1,
    "code": "default",
    "website_id": 1,
    "timezone": "America/Los_Angeles",
    "base_currency_code": "USD",
}


class TestCommerceSourceContract(SourceContract):
    plugin_class = AdobeCommerceSource
    valid_config = {
        "base_url": "https://shop.example",
        "auth_mode": "oauth1",
        "consumer_key": "k" * 32,
        "consumer_secret": "s" * 32,
        "access_token": "t" * 32,
        "access_token_secret": "u" * 32,
    }
    unreachable_config = {"base_url": "http://127.0.0.1:9", "auth_mode": "bearer", "access_token": "never-shown-123"}
    sample_records = [
        make_record("order", load("rest/get-order-by-id.order-3.customer-bundle-downloadable.json"), store=STORE),
        make_record("order", load("rest/get-order-by-id.guest-checkmo.nacelle-fixture.json"), store=STORE),
        make_record(
            "invoice",
            load("rest/get-invoice-by-id.invoice-3.json"),
            order=load("rest/get-order-by-id.order-3.customer-bundle-downloadable.json"),
            store=STORE,
        ),
        make_record("customer", load("rest/get-customers-search.json")["items"][0]),
        make_record("product", load("rest/get-products-search.nacelle-fixture.json")["items"][0]),
    ]


def test_config_schema_flags_every_secret_and_names_what_each_mode_needs() -> None:
    from mlconnector.platform.plugins import secret_fields, validate_config

    schema = AdobeCommerceSource.config_schema
    assert secret_fields(schema) == {"consumer_secret", "access_token", "access_token_secret", "ims_client_secret"}
    problems = validate_config(schema, {"base_url": "https://shop.example", "auth_mode": "oauth1"})
    assert {p.field for p in problems} == {"consumer_key", "consumer_secret", "access_token", "access_token_secret"}
    problems = validate_config(schema, {"base_url": "https://x.example/t", "auth_mode": "ims"})
    assert {p.field for p in problems} == {"ims_client_id", "ims_client_secret", "ims_org_id"}
    problems = validate_config(schema, {**TestCommerceSourceContract.valid_config, "page_size": 1000})
    assert [p.field for p in problems] == ["page_size"]


async def test_reference_payloads_served_by_the_fake_normalise_to_the_same_figures() -> None:
    """What the fake serves (trimmed with ``fields``, enriched with the order) gives the hand-checked totals."""
    fake = FakeCommerce()
    fake.catalog.add_reference_order(load("rest/get-order-by-id.order-3.customer-bundle-downloadable.json"))
    guest = load("rest/get-order-by-id.guest-checkmo.nacelle-fixture.json")
    fake.catalog.add_reference_order(guest, entity_id=4, store_id=2)  # same increment id, another store
    fake.catalog.add_reference_invoice(load("rest/get-invoice-by-id.invoice-3.json"))
    plugin = wired_plugin(fake)
    context = SourceContext(tenant_id=uuid.uuid4(), config=oauth_config(fake.add_integration()), session=None)  # type: ignore[arg-type]
    documents = {}
    for stream in ("order", "invoice"):
        async for batch in plugin.read(context, stream, None):
            for record in batch.records:
                for document in plugin.normalize(record):
                    documents[document.key] = document
    # Order 3: 22 + 18 + 68 + 52 = 160, + 5 shipping = 165. The guest order: 236 − 47.20 + 20 = 208.80.
    assert documents["order:1:000000003"].grand_total == Decimal("165.00")
    assert documents["order:1:000000003"].date.isoformat() == "2017-08-21"  # Los Angeles, from storeConfigs
    assert documents["order:1:000000003"].lines[2].sku == "24-WG080"
    assert documents["order:2:000000003"].grand_total == Decimal("208.80")
    assert documents["order:2:000000003"].customer.is_guest
    invoice, payment = documents["invoice:1:000000003"], documents["payment:1:000000003"]
    assert isinstance(invoice, Invoice) and isinstance(payment, Payment)
    assert (invoice.subtotal, invoice.grand_total, payment.amount) == (
        Decimal("160.00"),
        Decimal("165.00"),
        Decimal("165.00"),
    )
    assert payment.method_title == "Bank Transfer Payment" and invoice.customer.key == "customer:1:3"
    order_lists = [e for e in fake.rest_requests("/orders") if "fields=items" in e.query]
    assert order_lists and all("shipping_assignments" in e.query for e in order_lists)  # trimmed, not full


async def test_fetch_reads_one_document_fresh_and_answers_none_when_gone() -> None:
    fake = FakeCommerce()
    fake.catalog.generate(10, seed=8)
    plugin = wired_plugin(fake)
    context = SourceContext(tenant_id=uuid.uuid4(), config=oauth_config(fake.add_integration()), session=None)  # type: ignore[arg-type]
    record = await plugin.fetch(context, "order", "4")
    assert record is not None and record.source_id == "4" and record.payload["store"]["timezone"]
    assert await plugin.fetch(context, "order", "999") is None
    product = next(iter(fake.catalog.products))
    assert (await plugin.fetch(context, "product", str(product))).key == f"product:{product}"  # type: ignore[union-attr]
    invoice = next(iter(fake.catalog.invoices))
    fetched = await plugin.fetch(context, "invoice", str(invoice))
    assert fetched is not None and fetched.payload["order"]["items"]


def test_the_fake_documents_the_fields_quirk_and_unknown_store_codes() -> None:
    import asyncio

    async def scenario() -> None:
        fake = FakeCommerce()
        fake.catalog.generate(5, seed=1)
        plugin = wired_plugin(fake)
        connection = parse_connection(oauth_config(fake.add_integration()))
        async with plugin._client(connection, None) as client:
            trimmed = await client.get(
                "orders", SearchCriteria(page_size=2, fields="items[increment_id,entity_id]").params()
            )
        assert set(trimmed) == {"items"} and set(trimmed["items"][0]) == {"increment_id", "entity_id"}
        assert trimmed == {"items": trimmed["items"]}  # like rest/get-orders-search.fields-filtered.json
        assert set(load("rest/get-orders-search.fields-filtered.json")) == set(trimmed)
        wrong = parse_connection(oauth_config(next(iter(fake.oauth.integrations.values())), store_code="nope"))
        async with plugin._client(wrong, None) as client:
            with pytest.raises(Exception, match="Request does not match any route"):
                await client.get("store/storeConfigs")

    asyncio.run(scenario())


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow
def test_the_fake_serves_on_a_real_port(tmp_path: Path) -> None:
    port = _free_port()
    configs = tmp_path / "configs.json"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mlconnector.connectors.commerce.fake",
            "--port",
            str(port),
            "--orders",
            "50",
            "--configs",
            str(configs),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONSAFEPATH": "1"},
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "the fake did not start"
                time.sleep(0.1)
        config = json.loads(configs.read_text())["oauth1"]
        import asyncio

        result = asyncio.run(AdobeCommerceSource().check(config))
        assert result.ok, result.message
        assert result.details["orders"] == "50"
    finally:
        process.terminate()
        process.wait(timeout=10)


async def test_an_invoice_captured_later_posts_its_payment_on_the_next_read() -> None:
    now = [float(int(time.time()))]
    fake = FakeCommerce(clock=lambda: now[0])
    fake.catalog.generate(5, seed=2, invoice_share=0.0)
    order_id = next(iter(fake.catalog.orders))
    invoice = fake.catalog.invoice_order(order_id, fake.catalog.clock(), paid=False)  # authorised, not captured
    plugin = wired_plugin(fake)
    context = SourceContext(tenant_id=uuid.uuid4(), config=oauth_config(fake.add_integration()), session=None)  # type: ignore[arg-type]

    async def read(cursor):
        found, last = [], cursor
        async for batch in plugin.read(context, "invoice", cursor):
            found += [d for r in batch.records for d in plugin.normalize(r)]
            last = batch.cursor
        return found, last

    now[0] += 60
    documents, cursor = await read(None)
    assert [type(d).__name__ for d in documents] == ["Invoice"] and not documents[0].paid
    now[0] += 3600
    fake.catalog.capture_invoice(invoice.fields["entity_id"], fake.catalog.clock())  # captured an hour later
    now[0] += 60
    documents, _ = await read(cursor)
    assert [type(d).__name__ for d in documents] == ["Invoice", "Payment"]
    assert documents[0].paid and documents[1].amount == documents[0].grand_total


@pytest.mark.parametrize(
    ("store_code", "prefix"), [(None, "/rest/V1/"), ("default", "/rest/default/V1/"), ("all", "/rest/all/V1/")]
)
async def test_base_url_forms(store_code: str | None, prefix: str) -> None:
    fake = FakeCommerce()
    fake.catalog.generate(3, seed=1)
    extra = {"store_code": store_code} if store_code else {}
    context = SourceContext(tenant_id=uuid.uuid4(), config=oauth_config(fake.add_integration(), **extra), session=None)  # type: ignore[arg-type]
    assert await wired_plugin(fake).fetch(context, "order", "1") is not None
    assert fake.log and all(entry.path.startswith(prefix) for entry in fake.log)


async def test_the_plugins_models_match_its_migrations(tmp_path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from mlc_testing.databases import sqlite_url

    from mlconnector.connectors.commerce import models
    from mlconnector.platform.db import migrate
    from mlconnector.platform.db.engine import build_engine
    from mlconnector.platform.plugins import Base

    url = sqlite_url(tmp_path / "commerce.sqlite3")
    await migrate.upgrade(url, [AdobeCommerceSource().migrations()])
    ours = {models.ImsTokenSlot.__tablename__, models.WebhookEndpoint.__tablename__}

    def include(obj, name, type_, reflected, compare_to) -> bool:
        table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
        return table is None or table in ours

    engine = build_engine(url, null_pool=True)
    async with engine.connect() as connection:
        differences = await connection.run_sync(
            lambda sync: compare_metadata(
                MigrationContext.configure(sync, opts={"compare_type": False, "include_object": include}),
                Base.metadata,
            )
        )
    await engine.dispose()
    assert differences == []
    await migrate.downgrade(url, "commerce@base", [AdobeCommerceSource().migrations()])
    await migrate.ensure_current(url)  # the core alone is still current


async def test_a_sandbox_store_serves_no_tenant_it_cannot_prove_is_a_sandbox() -> None:
    from mlconnector.connectors.commerce.errors import SandboxStoreRefused
    from mlconnector.connectors.commerce.sandbox import sandbox_part

    plugin, config = AdobeCommerceSource(), dict(sandbox_part().config)
    assert (await plugin.check(config)).ok  # the connection test may look (the core validated the tenant first)
    unknown = SourceContext(tenant_id=uuid.uuid4(), config=config, session=None)  # type: ignore[arg-type]
    with pytest.raises(SandboxStoreRefused, match="only a sandbox organisation can use"):
        async for _ in plugin.read(unknown, "order", None):
            pass
    with pytest.raises(SandboxStoreRefused):
        await plugin.fetch(unknown, "order", "1")
    with pytest.raises(SandboxStoreRefused):
        await plugin.count(config, "order", None)
    assert [p.field for p in plugin.validate(config, sandbox=False)] == ["base_url"]
    assert plugin.validate(config, sandbox=True) == ()


async def test_an_order_without_its_number_is_held_and_the_rest_of_its_page_is_stored(database) -> None:
    """A broken extension blanks ``increment_id`` on one order: that order is held with the reason, the others in
    the same page go on (before, the whole page failed and the read stopped there)."""
    from mlc_testing.tenants import make_tenant
    from sqlalchemy import select

    from mlconnector.connectors.commerce.cursor import backfill_from
    from mlconnector.platform.plugins import ingest
    from mlconnector.platform.sync.models import DocumentRow

    fake = FakeCommerce()
    fake.catalog.generate(6, seed=4, invoice_share=0.0)
    broken_id = sorted(fake.catalog.orders)[2]
    fake.catalog.orders[broken_id].fields["increment_id"] = None  # as an extension that blanks it would send
    plugin = wired_plugin(fake)
    tenant = await make_tenant(database)
    config = oauth_config(fake.add_integration())
    report = await ingest(database, plugin, tenant, "order", config=config, start_cursor=backfill_from(None))
    assert report.records == 6
    async with database.session(tenant) as session:
        rows = {row.key: row for row in (await session.execute(select(DocumentRow))).scalars()}
    held = rows.pop(f"record:order:1:#{broken_id}")
    assert held.state == "held" and "no increment_id" in held.hold_reason
    assert sum(1 for key in rows if key.startswith("order:")) == 5
