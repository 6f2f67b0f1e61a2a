"""Shared test material: canonical documents like the Commerce sample data, posting settings, and a harness that
runs the app in-process with a Web Connector emulator and a QuickBooks simulator per merchant."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal as D
from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy import JSON, Uuid, column, select, table

from mlconnector.connectors.qbd import admin
from mlconnector.connectors.qbd.emulator import RawSoapTransport, WebConnectorEmulator, ZeepTransport
from mlconnector.connectors.qbd.plugin import QuickBooksDesktopSink
from mlconnector.connectors.qbd.qwc import OWNER_ID
from mlconnector.connectors.qbd.simulator import QuickBooksSimulator
from mlconnector.platform.app import create_app
from mlconnector.platform.db.engine import Database
from mlconnector.platform.documents import Address, CreditMemo, Customer, Invoice, Line, Party, Payment
from mlconnector.platform.plugins import Outcome, Plan, SinkContext
from mlconnector.platform.plugins.discovery import LoadedPlugin, PluginSet
from mlconnector.tenants.models import Tenant

ENDPOINT = "/connectors/qbd/qbwc"
SETTINGS: dict[str, Any] = {
    "items": {"24-MB01": "Joust Duffle Bag", "24-WB04": "Push It Messenger Bag"},
    "shipping_item": "Shipping",
    "discount_item": "Discount",
    "tax_item": "Sales Tax",
    "adjustment_item": "Refund Adjustment",
    "payment_methods": {"checkmo": "Check", "braintree": "Credit Card"},
    "deposit_account": "Undeposited Funds",
}


def address(name: str = "Veronica Costello") -> Address:
    return Address(
        name=name,
        lines=("6146 Honey Bluff Parkway",),
        city="Calder",
        region="Michigan",
        postal_code="49628-7978",
        country="US",
        phone="(555) 229-3326",
    )


def party(n: int = 1, *, first: str = "Veronica", last: str = "Costello", guest: bool = False) -> Party:
    key = f"guest:buyer{n}@example.com" if guest else f"customer:1:{n}"
    return Party(
        key=key,
        email=f"buyer{n}@example.com",
        first_name=first,
        last_name=last,
        is_guest=guest,
        billing=address(f"{first} {last}"),
        shipping=address(f"{first} {last}"),
    )


def invoice(
    n: int = 1, *, buyer: Party | None = None, paid: bool = False, sku: str = "24-MB01", day: int = 5
) -> Invoice:
    buyer = buyer or party(n)
    number = f"{n:09d}"
    lines = (
        Line(key="1", sku=sku, name="Joust Duffle Bag", quantity=D("2"), unit_price=D("34.00"), amount=D("68.00")),
    )
    total = D("68.00") - D("5.00") + D("10.00") + D("4.20")
    payment = None
    if paid:
        payment = Payment(
            key=f"payment:1:{number}",
            number=number,
            invoice_key=f"invoice:1:{number}",
            store_id="1",
            date=date(2026, 1, day),
            currency="USD",
            amount=total,
            customer=buyer,
            method="checkmo",
            method_title="Check / Money order",
        )
    return Invoice(
        key=f"invoice:1:{number}",
        number=number,
        source_id=str(n),
        store_id="1",
        date=date(2026, 1, day),
        currency="USD",
        customer=buyer,
        lines=lines,
        shipping=D("10.00"),
        discount_total=D("5.00"),
        tax_total=D("4.20"),
        subtotal=D("68.00"),
        grand_total=total,
        order_key=f"order:1:{number}",
        order_number=number,
        billing_address=buyer.billing,
        shipping_address=buyer.shipping,
        paid=paid,
        payment=payment,
    )


def credit_memo(n: int = 1, *, buyer: Party | None = None) -> CreditMemo:
    buyer = buyer or party(n)
    number = f"{n:09d}"
    lines = (
        Line(
            key="1", sku="24-MB01", name="Joust Duffle Bag", quantity=D("1"), unit_price=D("34.00"), amount=D("34.00")
        ),
    )
    return CreditMemo(
        key=f"credit_memo:1:{number}",
        number=number,
        source_id=str(n),
        store_id="1",
        date=date(2026, 1, 9),
        currency="USD",
        customer=buyer,
        lines=lines,
        subtotal=D("34.00"),
        grand_total=D("34.00"),
        order_key=f"order:1:{number}",
        order_number=number,
        invoice_key=f"invoice:1:{number}",
    )


def customer_document(n: int = 1, **kwargs: Any) -> Customer:
    buyer = party(n, **kwargs)
    return Customer(key=f"customer-doc:{buyer.key}", party=buyer, store_id="1")


def stocked_simulator(**kwargs: Any) -> QuickBooksSimulator:
    """A company file with the items, payment methods and accounts SETTINGS names."""
    sim = QuickBooksSimulator(**kwargs)
    for name in ("Joust Duffle Bag", "Push It Messenger Bag"):
        sim.add_item(name, "ItemNonInventoryRet")
    sim.add_item("Shipping", "ItemOtherChargeRet")
    sim.add_item("Discount", "ItemDiscountRet")
    sim.add_item("Sales Tax", "ItemOtherChargeRet")
    sim.add_item("Refund Adjustment", "ItemOtherChargeRet")
    for name in ("Check", "Credit Card"):
        sim.add_list("PaymentMethod", name)
    return sim


async def queue(
    database: Database, tenant_id: uuid.UUID, document: Any, settings: dict | None = None
) -> tuple[Plan, Outcome]:
    """What the sync engine will do: plan, then deliver, in one tenant transaction."""
    plugin = QuickBooksDesktopSink()
    async with database.session(tenant_id) as session:
        context = SinkContext(
            tenant_id=tenant_id,
            config={"username": "x"},
            session=session,
            settings=SETTINGS if settings is None else settings,
        )
        plan = await plugin.plan(context, document)
        outcome = await plugin.deliver(context, plan)
    return plan, outcome


@dataclass
class Harness:
    client: AsyncTestClient
    plugin: QuickBooksDesktopSink
    database: Database

    def emulator(
        self, merchant: Any, simulator: QuickBooksSimulator, *, zeep: bool = False, **kwargs: Any
    ) -> WebConnectorEmulator:
        transport = (
            ZeepTransport(self.client, f"http://testserver.local{ENDPOINT}")
            if zeep
            else RawSoapTransport(self.client, ENDPOINT)
        )
        return WebConnectorEmulator(transport, merchant.username, merchant.password, simulator, **kwargs)


def stamped(sim: QuickBooksSimulator, file_id: str) -> QuickBooksSimulator:
    sim.stamp_file_id(OWNER_ID, file_id)
    return sim


OUTCOMES = table(
    "sink_outcomes",
    column("id"),
    column("tenant_id", Uuid),
    column("sink"),
    column("document_key"),
    column("status"),
    column("outcome", JSON),
)


async def outcomes(database: Database, tenant_id: uuid.UUID) -> list[tuple[str, str]]:
    """What the sink reported to the core (its outcome inbox), oldest first."""
    async with database.session(tenant_id) as session:
        rows = await session.execute(
            select(OUTCOMES.c.document_key, OUTCOMES.c.status)
            .where(OUTCOMES.c.tenant_id == tenant_id, OUTCOMES.c.sink == "qbd")
            .order_by(OUTCOMES.c.id)
        )
        return [tuple(row) for row in rows]


@dataclass(frozen=True)
class Merchant:
    tenant_id: uuid.UUID
    slug: str
    username: str
    password: str


async def make_merchant(database: Database, slug: str | None = None) -> Merchant:
    """A tenant row (as signup will make it) with a Web Connector password."""
    tenant_id = uuid.uuid4()
    slug = slug or f"shop-{tenant_id.hex[:8]}"
    async with database.system_session() as session:
        session.add(Tenant(id=tenant_id, slug=slug, name=slug))
    username, password = await admin.rotate_password(database, tenant_id, slug)
    return Merchant(tenant_id, slug, username, password)


def plugin_set(plugin: QuickBooksDesktopSink) -> PluginSet:
    plugins = PluginSet()
    plugins.loaded["qbd"] = LoadedPlugin(plugin, "ml-connector", "test")
    return plugins


@asynccontextmanager
async def running(make_settings: Any, url: str) -> AsyncIterator[Harness]:
    """The whole app in-process, with only this plugin, on the given (migrated) database."""
    plugin = QuickBooksDesktopSink()
    app = create_app(make_settings(DATABASE_URL=url), plugins=plugin_set(plugin), start_jobs=False)
    database = Database(url, pool_size=2)  # the test's own handle: the app runs on the test client's event loop
    try:
        async with AsyncTestClient(app, base_url="http://testserver.local") as client:
            yield Harness(client, plugin, database)
    finally:
        await database.dispose()
