"""Credit memos → :class:`CreditMemo`. ``state`` 1 open, 2 refunded, 3 canceled (NOTES §4.6).

``adjustment_positive`` ("Adjustment Refund") is refunded on top; ``adjustment_negative`` ("Adjustment Fee") is
withheld. ``invoice_id`` is present only for refunds against an invoice (online refunds).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlconnector.connectors.commerce.normalize.context import store_of
from mlconnector.connectors.commerce.normalize.dates import local_date, parse_utc
from mlconnector.connectors.commerce.normalize.invoice import invoice_key, order_of
from mlconnector.connectors.commerce.normalize.lines import document_rows, order_item_index, top_level_lines
from mlconnector.connectors.commerce.normalize.order import order_key
from mlconnector.connectors.commerce.normalize.party import address, order_shipping_address, party_from_order
from mlconnector.connectors.commerce.normalize.totals import check_balance, header_totals
from mlconnector.platform.documents import CreditMemo

CANCELED = 3


def normalize_credit_memo(payload: Mapping[str, Any]) -> CreditMemo:
    memo = payload["credit_memo"]
    what = f"credit memo {memo.get('increment_id')}"
    order = order_of(payload, what)
    store = store_of(payload, memo, what)
    lines = top_level_lines(document_rows(memo.get("items") or (), order_item_index(order), what))
    totals = header_totals(memo, shipping_hidden_tax_included=True)
    check_balance(what, totals, lines)
    invoice: Mapping[str, Any] | None = payload.get("invoice")
    return CreditMemo(
        key=f"credit_memo:{store.store_id}:{memo['increment_id']}",
        number=str(memo["increment_id"]),
        source_id=str(memo["entity_id"]),
        store_id=store.store_id,
        date=local_date(memo.get("created_at"), store.zone),
        currency=store.currency,
        customer=party_from_order(order, store.website_id),
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
        updated_at=parse_utc(memo.get("updated_at")),
        order_key=order_key(order.get("store_id", store.store_id), order["increment_id"]),
        order_number=str(order["increment_id"]),
        invoice_key=_invoice_key(invoice, store.store_id),
        adjustment=totals.adjustment,
        adjustment_fee=totals.adjustment_fee,
        canceled=int(memo.get("state") or 0) == CANCELED,
    )


def _invoice_key(invoice: Mapping[str, Any] | None, store_id: str) -> str | None:
    if not invoice or not invoice.get("increment_id"):
        return None
    return invoice_key(invoice.get("store_id", store_id), invoice["increment_id"])
