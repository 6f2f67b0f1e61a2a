"""Invoices → :class:`Invoice`, plus a :class:`Payment` when (and only when) the invoice is captured.

Invoice ``state`` (NOTES §4.5): 1 open (authorised, not captured), 2 paid, 3 canceled. Only state 2 produces a
payment. For offline methods (check, bank transfer) Magento marks the invoice paid as soon as the merchant
creates it: the merchant declared it paid, which is what the books record.

The payment is dated like its invoice (``created_at``, in the store's time zone). REST does not say when an
invoice created open was captured later; its ``updated_at`` moves with every later save (a comment, the e-mail
flag), and a payment whose date moved after posting would be held as edited. So a late capture is dated on the
invoice's day — a known limitation, stated here rather than guessed around.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mlconnector.connectors.commerce.errors import IncompleteRecord
from mlconnector.connectors.commerce.normalize.context import Store, store_of
from mlconnector.connectors.commerce.normalize.dates import local_date, parse_utc
from mlconnector.connectors.commerce.normalize.lines import document_rows, order_item_index, top_level_lines
from mlconnector.connectors.commerce.normalize.order import order_key
from mlconnector.connectors.commerce.normalize.party import address, order_shipping_address, party_from_order
from mlconnector.connectors.commerce.normalize.payment import method_code, method_title, transaction_id
from mlconnector.connectors.commerce.normalize.totals import check_balance, header_totals
from mlconnector.platform.documents import Document, Invoice, Payment

OPEN, PAID, CANCELED = 1, 2, 3


def invoice_key(store_id: Any, increment_id: Any) -> str:
    return f"invoice:{store_id}:{increment_id}"


def order_of(payload: Mapping[str, Any], what: str) -> Mapping[str, Any]:
    order = payload.get("order")
    if not order or "increment_id" not in order:
        raise IncompleteRecord(f"{what}: its order could not be read, so its buyer and lines are unknown")
    return order


def normalize_invoice(payload: Mapping[str, Any]) -> Sequence[Document]:
    invoice = payload["invoice"]
    what = f"invoice {invoice.get('increment_id')}"
    order = order_of(payload, what)
    store = store_of(payload, invoice, what)
    lines = top_level_lines(document_rows(invoice.get("items") or (), order_item_index(order), what))
    totals = header_totals(invoice, shipping_hidden_tax_included=True)
    check_balance(what, totals, lines)
    state = int(invoice.get("state") or OPEN)
    customer = party_from_order(order, store.website_id)
    key = invoice_key(store.store_id, invoice["increment_id"])
    payment = _payment(invoice, order, store, key, customer) if state == PAID else None
    document = Invoice(
        key=key,
        number=str(invoice["increment_id"]),
        source_id=str(invoice["entity_id"]),
        store_id=store.store_id,
        date=local_date(invoice.get("created_at"), store.zone),
        currency=store.currency,
        customer=customer,
        lines=lines,
        shipping=totals.shipping,
        shipping_discount=totals.shipping_discount,
        shipping_tax=totals.shipping_tax,
        discount_total=totals.discount_total,
        tax_total=totals.tax_total,
        subtotal=totals.subtotal,
        grand_total=totals.grand_total,
        billing_address=address(order.get("billing_address")),
        shipping_address=address(order_shipping_address(order)),
        updated_at=parse_utc(invoice.get("updated_at")),
        order_key=order_key(order.get("store_id", store.store_id), order["increment_id"]),
        order_number=str(order["increment_id"]),
        paid=payment is not None,
        payment=payment,
        canceled=state == CANCELED,
    )
    return [document, payment] if payment is not None else [document]


def _payment(
    invoice: Mapping[str, Any], order: Mapping[str, Any], store: Store, invoice_document_key: str, customer: Any
) -> Payment:
    return Payment(
        key=f"payment:{store.store_id}:{invoice['increment_id']}",
        number=str(invoice["increment_id"]),
        invoice_key=invoice_document_key,
        store_id=store.store_id,
        date=local_date(invoice.get("created_at"), store.zone),
        currency=store.currency,
        amount=header_totals(invoice, shipping_hidden_tax_included=True).grand_total,
        customer=customer,
        method=method_code(order),
        method_title=method_title(order),
        transaction_id=transaction_id(invoice, order),
    )
