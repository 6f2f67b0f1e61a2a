"""Orders → :class:`Order`. An order never says "paid": money received is posted only from captured invoices."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlconnector.connectors.commerce.normalize.context import store_of
from mlconnector.connectors.commerce.normalize.dates import local_date, parse_utc
from mlconnector.connectors.commerce.normalize.lines import order_rows, top_level_lines
from mlconnector.connectors.commerce.normalize.party import address, order_shipping_address, party_from_order
from mlconnector.connectors.commerce.normalize.totals import check_balance, header_totals
from mlconnector.platform.documents import Order


def order_key(store_id: Any, increment_id: Any) -> str:
    return f"order:{store_id}:{increment_id}"


def normalize_order(payload: Mapping[str, Any]) -> Order:
    order = payload["order"]
    what = f"order {order.get('increment_id')}"
    store = store_of(payload, order, what)
    lines = top_level_lines(order_rows(order))
    totals = header_totals(order, shipping_hidden_tax_included=False)
    check_balance(what, totals, lines)
    return Order(
        key=order_key(store.store_id, order["increment_id"]),
        number=str(order["increment_id"]),
        source_id=str(order["entity_id"]),
        store_id=store.store_id,
        date=local_date(order.get("created_at"), store.zone),
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
        updated_at=parse_utc(order.get("updated_at")),
        state=str(order.get("state") or ""),
        status=str(order.get("status") or ""),
        payment_method=(order.get("payment") or {}).get("method"),
        canceled=order.get("state") == "canceled",
    )
