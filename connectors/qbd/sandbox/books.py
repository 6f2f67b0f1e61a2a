"""The simulated company file of a sandbox tenant: stocked once, rebuilt by replaying what it has run.

The simulator is deterministic (ids and edit sequences come from counters), so the same stock plus the same
requests in the same order give the same file in any process. Iterator ids are random but live only within one
Web Connector session, and queries change nothing, so replaying them is harmless.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.connectors.qbd.models import SandboxBooks, SandboxRequest
from mlconnector.connectors.qbd.simulator import QuickBooksSimulator

COMPANY_NAME = "Sandbox Company (simulated)"
COMPANY_FILE = r"C:\Users\Public\Documents\Intuit\QuickBooks\Sandbox\Sandbox Company (simulated).QBW"
MAX_ITEM_NAME = 31
POSTING_ITEMS = (
    ("Shipping", "ItemOtherChargeRet"),
    ("Discount", "ItemDiscountRet"),
    ("Sales Tax", "ItemOtherChargeRet"),
    ("Refund Adjustment", "ItemOtherChargeRet"),
)
PAYMENT_METHODS = ("Check", "Credit Card")
SETTINGS: dict[str, Any] = {
    "shipping_item": "Shipping",
    "discount_item": "Discount",
    "tax_item": "Sales Tax",
    "adjustment_item": "Refund Adjustment",
    "payment_methods": {"checkmo": "Check", "braintree": "Credit Card", "banktransfer": "Check", "free": "Check"},
    "deposit_account": "Undeposited Funds",
    "customer_name": "{first_name} {last_name}",
    "match_sku_to_item_name": True,
}
"""Posting settings that fit the stocked file."""


def stock_for(facts: Mapping[str, Any]) -> dict[str, Any]:
    """Items named after the store's SKUs (so they match without a mapping), an item for each deliberately
    unmapped product under its *product* name (so the hold can be fixed by mapping the SKU to it), the posting
    items and the payment methods."""
    skus = sorted(str(sku) for sku in facts.get("skus", ()) if len(str(sku)) <= MAX_ITEM_NAME)
    unmapped = [str(name)[:MAX_ITEM_NAME] for name in dict(facts.get("unmapped_skus", {})).values()]
    items = [[sku, "ItemNonInventoryRet"] for sku in skus] + [[name, "ItemNonInventoryRet"] for name in unmapped]
    items += [[name, kind] for name, kind in POSTING_ITEMS]
    return {"items": items, "payment_methods": list(PAYMENT_METHODS)}


def stocked(stock: Mapping[str, Any]) -> QuickBooksSimulator:
    simulator = QuickBooksSimulator(company_name=COMPANY_NAME)
    for name, kind in stock.get("items", ()):
        simulator.add_item(name, kind)
    for name in stock.get("payment_methods", ()):
        simulator.add_list("PaymentMethod", name)
    return simulator


async def is_simulated(session: AsyncSession, tenant_id: uuid.UUID) -> bool:
    """Whether the tenant's books are a sandbox's simulated file."""
    found = await session.execute(select(SandboxBooks.tenant_id).where(SandboxBooks.tenant_id == tenant_id))
    return found.first() is not None


async def books_of(session: AsyncSession, tenant_id: uuid.UUID) -> SandboxBooks | None:
    return (
        await session.execute(select(SandboxBooks).where(SandboxBooks.tenant_id == tenant_id))
    ).scalar_one_or_none()


async def rebuild(session: AsyncSession, books: SandboxBooks) -> QuickBooksSimulator:
    """The file as it stands: stocked, then every request it has run, in order."""
    simulator = stocked(books.stock)
    requests = await session.execute(
        select(SandboxRequest.qbxml).where(SandboxRequest.tenant_id == books.tenant_id).order_by(SandboxRequest.seq)
    )
    for (qbxml,) in requests:
        simulator.process(qbxml)
    simulator.begin_session()
    return simulator


async def record(session: AsyncSession, tenant_id: uuid.UUID, requests: Sequence[str], now: datetime) -> None:
    """Append what the file ran in this cycle (after any earlier cycle's requests)."""
    last = (
        await session.execute(select(func.max(SandboxRequest.seq)).where(SandboxRequest.tenant_id == tenant_id))
    ).scalar_one()
    start = (last or 0) + 1
    for offset, qbxml in enumerate(requests):
        session.add(SandboxRequest(tenant_id=tenant_id, seq=start + offset, qbxml=qbxml, created_at=now))
