"""Sold lines: only top-level rows, with configurable and bundle children folded into their parent.

Magento lists every ``sales_order_item`` row: a configurable parent *and* its simple child, a bundle parent *and*
each bundled product (NOTES §4.3). Summing every row double-counts (order 3 of the reference payloads: 228 instead
of 160). The rules applied here:

* a configurable parent carries price, tax and discount; its child (price 0) is dropped;
* a bundle whose children carry amounts (dynamic price) is one line priced from its children's sums;
  a fixed-price bundle (children at 0) is priced from the parent row;
* invoice and credit memo rows have no ``parent_item_id``: they are matched to order rows through
  ``order_item_id``, and the same rules apply.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from mlconnector.connectors.commerce.normalize.money import ZERO, base, base_cents, cents, decimal
from mlconnector.platform.documents import Line


@dataclass(frozen=True, slots=True)
class Row:
    """One item row of an order, invoice or credit memo, with its place in the order's item tree."""

    order_item_id: str
    parent_id: str | None
    product_type: str | None
    sku: str
    name: str
    quantity: Decimal
    amounts: Mapping[str, Any]
    tax_percent: Decimal | None


def _id(value: Any) -> str | None:
    return None if value is None else str(value)


def order_item_index(order: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """Order rows by ``item_id``: how invoice and credit memo rows find their parent and product type."""
    return {str(item["item_id"]): item for item in order.get("items") or () if "item_id" in item}


def order_rows(order: Mapping[str, Any]) -> list[Row]:
    return [
        Row(
            order_item_id=str(item["item_id"]),
            parent_id=_id(item.get("parent_item_id")),
            product_type=item.get("product_type"),
            sku=str(item.get("sku") or ""),
            name=str(item.get("name") or ""),
            quantity=decimal(item.get("qty_ordered")) or ZERO,
            amounts=item,
            tax_percent=decimal(item.get("tax_percent")),
        )
        for item in order.get("items") or ()
    ]


def document_rows(items: Iterable[Mapping[str, Any]], index: Mapping[str, Mapping[str, Any]], what: str) -> list[Row]:
    """Rows of an invoice or credit memo, placed in the order's item tree through ``order_item_id``."""
    rows = []
    for item in items:
        order_item_id = _id(item.get("order_item_id"))
        if order_item_id is None or order_item_id not in index:
            raise ValueError(
                f"{what} row {item.get('sku')!r} points to order item {order_item_id}, which the order lacks"
            )
        order_item = index[order_item_id]
        rows.append(
            Row(
                order_item_id=order_item_id,
                parent_id=_id(order_item.get("parent_item_id")),
                product_type=order_item.get("product_type"),
                sku=str(item.get("sku") or order_item.get("sku") or ""),
                name=str(item.get("name") or order_item.get("name") or ""),
                quantity=decimal(item.get("qty")) or ZERO,
                amounts=item,
                tax_percent=decimal(order_item.get("tax_percent")),
            )
        )
    return rows


def row_amount(row: Row) -> Decimal:
    """Quantity × unit price, excluding tax, before discount.

    Magento's ``row_total`` is exactly that, so it is used when it agrees with quantity × price (within a cent
    per unit, for tax-inclusive catalogues whose prices carry four decimals). When it disagrees — some exported
    payloads carry the discounted row there — quantity × price is used, and the header check catches the rest.
    """
    price = base(row.amounts, "price")
    row_total = base(row.amounts, "row_total")
    if price is None:
        return ZERO if row_total is None else cents(row_total)
    expected = cents(price * row.quantity)
    if row_total is not None and abs(row_total - expected) <= Decimal("0.01") * max(Decimal(1), row.quantity):
        return cents(row_total)
    return expected


def net_discount(amounts: Mapping[str, Any]) -> Decimal:
    """The line's discount excluding tax: ``discount_amount`` (positive on lines) minus the tax hidden in it when
    catalogue prices include tax (``discount_tax_compensation_amount``)."""
    return base_cents(amounts, "discount_amount") - base_cents(amounts, "discount_tax_compensation_amount")


def bundle_sku(parent_sku: str, child_skus: Sequence[str]) -> str:
    """A dynamic-SKU bundle row's SKU is the bundle's own SKU followed by ``-<child sku>`` for every selection
    (``24-WG080-24-WG084-…``); map the bundle, not every combination of its options."""
    sku = parent_sku
    remaining = sorted({s for s in child_skus if s}, key=len, reverse=True)
    stripped = True
    while stripped and remaining:
        stripped = False
        for child in remaining:
            if sku.endswith(f"-{child}") and len(sku) > len(child) + 1:
                sku = sku[: -len(child) - 1]
                remaining.remove(child)
                stripped = True
                break
    return sku if not remaining else parent_sku


def top_level_lines(rows: Sequence[Row]) -> tuple[Line, ...]:
    children: dict[str, list[Row]] = {}
    for row in rows:
        if row.parent_id is not None:
            children.setdefault(row.parent_id, []).append(row)
    lines = []
    for row in rows:
        if row.parent_id is not None:
            continue
        kids = children.get(row.order_item_id, [])
        line = _line(row, kids)
        if line.quantity == 0 and line.amount == 0:
            continue
        lines.append(line)
    return tuple(lines)


def _quantity(value: Decimal) -> Decimal:
    """``3.000000`` → ``3``, ``1.5000`` → ``1.5`` (never ``1E+1``)."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def _line(row: Row, kids: Sequence[Row]) -> Line:
    dynamic_bundle = row.product_type == "bundle" and any(row_amount(kid) != 0 for kid in kids)
    if dynamic_bundle:
        amount = sum((row_amount(kid) for kid in kids), ZERO)
        tax = sum((base_cents(kid.amounts, "tax_amount") for kid in kids), ZERO)
        discount = sum((net_discount(kid.amounts) for kid in kids), ZERO)
        price = base(row.amounts, "price")
        unit_price = cents(price) if price is not None else (cents(amount / row.quantity) if row.quantity else amount)
        sku = bundle_sku(row.sku, [kid.sku for kid in kids])
    else:
        amount = row_amount(row)
        tax = base_cents(row.amounts, "tax_amount")
        discount = net_discount(row.amounts)
        price = base(row.amounts, "price")
        unit_price = cents(price) if price is not None else (cents(amount / row.quantity) if row.quantity else amount)
        sku = row.sku
    return Line(
        key=row.order_item_id,
        sku=sku,
        name=row.name,
        quantity=_quantity(row.quantity),
        unit_price=unit_price,
        amount=amount,
        discount=discount,
        tax=tax,
        tax_percent=row.tax_percent,
    )
