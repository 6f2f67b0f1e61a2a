"""Amounts no store makes: negative documents and lines, figures too large for QuickBooks, 10,000 lines. Each is
refused or held with a sentence naming the document — never posted as a negative sale, never a job failing again
and again with Python's words while the document waits unexplained."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest
from qbd.helpers import SETTINGS, make_merchant, queue

from mlconnector.connectors.commerce.errors import CommerceError
from mlconnector.connectors.commerce.plugin import AdobeCommerceSource
from mlconnector.connectors.commerce.records import make_record
from mlconnector.connectors.commerce.reference import load
from mlconnector.platform.db.engine import Database

STORE = {"store_id": 1, "code": "default", "website_id": 1, "timezone": "UTC", "base_currency_code": "USD"}
MONEY_WORDS = ("amount", "total", "price", "subtotal", "tax", "discount", "shipping_incl", "row_")


def scaled(node: Any, factor: int) -> Any:
    """Every money field of a payload times ``factor`` (so the document still adds up)."""
    if isinstance(node, dict):
        return {
            key: value * factor
            if isinstance(value, int | float) and not isinstance(value, bool) and _money(key)
            else scaled(value, factor)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [scaled(value, factor) for value in node]
    return node


def _money(key: str) -> bool:
    return any(word in key for word in MONEY_WORDS) and not key.endswith("_percent")


def documents(factor: int, stream: str = "invoice") -> list:
    """The reference invoice 000000003 (and its payment), every money field times ``factor``."""
    order = load("rest/get-order-by-id.order-3.customer-bundle-downloadable.json")
    path = (
        "rest/get-invoice-by-id.invoice-3.json"
        if stream == "invoice"
        else "rest/get-creditmemo-by-id.creditmemo-1.json"
    )
    context = {"store": STORE, "order": scaled(copy.deepcopy(order), factor)}
    record = make_record(stream, scaled(copy.deepcopy(load(path)), factor), **context)
    return list(AdobeCommerceSource().normalize(record))


def settings_for(document: Any) -> dict[str, Any]:
    items = {line.sku: "Joust Duffle Bag" for line in getattr(document, "lines", ())}
    return {**SETTINGS, "items": items, "payment_methods": {**SETTINGS["payment_methods"], "banktransfer": "Check"}}


def test_a_negative_document_is_refused_not_posted_as_a_negative_sale() -> None:
    with pytest.raises(CommerceError, match=r"invoice 000000003 has a negative grand total \(-165\.00\)"):
        documents(-1)


def test_a_negative_line_is_refused_with_its_line() -> None:
    invoice = load("rest/get-invoice-by-id.invoice-3.json")
    for item in invoice["items"]:
        item.update({key: -value for key, value in item.items() if key in ("qty", "base_row_total", "row_total")})
    order = load("rest/get-order-by-id.order-3.customer-bundle-downloadable.json")
    with pytest.raises(CommerceError, match=r"invoice 000000003"):
        list(AdobeCommerceSource().normalize(make_record("invoice", invoice, store=STORE, order=order)))


@pytest.fixture
async def sink_database(sqlite_qbd_url: str):
    database = Database(sqlite_qbd_url, pool_size=2)
    yield database
    await database.dispose()


async def test_an_amount_too_large_for_quickbooks_holds_the_document_with_the_figure(sink_database) -> None:
    merchant = await make_merchant(sink_database)
    for document in documents(10**11)[:1]:  # the invoice: 16,500,000,000,000.00, 14 digits before the point
        plan, outcome = await queue(sink_database, merchant.tenant_id, document, settings_for(document))
        assert outcome.status == "held" and not plan.operations
        assert "too large for QuickBooks" in plan.holds[0].reason and "000000003" in plan.holds[0].reason


async def test_a_large_but_valid_amount_posts_to_the_cent(sink_database) -> None:
    merchant = await make_merchant(sink_database)
    invoice = documents(10**9)[0]  # 165,000,000,000.00 fits QuickBooks' 13 digits
    plan, outcome = await queue(sink_database, merchant.tenant_id, invoice, settings_for(invoice))
    assert outcome.status != "held", plan.holds
    assert invoice.grand_total == Decimal("165000000000.00")
    request = "".join(op.request or "" for op in plan.operations)
    assert "<InvoiceAddRq" in request and "165000000000.00" in request


async def test_a_ten_thousand_line_invoice_is_planned_or_held_never_crashes(sink_database) -> None:
    invoice = load("rest/get-invoice-by-id.invoice-3.json")
    order = load("rest/get-order-by-id.order-3.customer-bundle-downloadable.json")
    template = next(item for item in invoice["items"] if not item.get("parent_item_id"))
    lines = []
    for n in range(10_000):
        line = copy.deepcopy(template)
        line.update(entity_id=50_000 + n, order_item_id=60_000 + n, sku=template["sku"], qty=1)
        line.update(base_price=1, price=1, base_row_total=1, row_total=1, base_tax_amount=0, base_discount_amount=0)
        lines.append(line)
    invoice["items"] = lines
    invoice.update(base_subtotal=10_000, subtotal=10_000, base_grand_total=10_005, grand_total=10_005)
    invoice.update(base_tax_amount=0, tax_amount=0, base_discount_amount=0, discount_amount=0)
    try:
        produced = list(AdobeCommerceSource().normalize(make_record("invoice", invoice, store=STORE, order=order)))
    except CommerceError as refused:
        assert "invoice 000000003" in str(refused)
        return
    merchant = await make_merchant(sink_database)
    document = produced[0]
    assert len(document.lines) == 10_000 and document.grand_total == Decimal("10005.00")
    plan, outcome = await queue(sink_database, merchant.tenant_id, document, settings_for(document))
    if outcome.status == "held":
        assert plan.holds[0].reason
    else:
        request = "".join(op.request or "" for op in plan.operations)
        assert request.count("<InvoiceLineAdd>") >= 10_000
