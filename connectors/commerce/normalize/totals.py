"""Header totals of an order, invoice or credit memo, in base currency, and the check that they add up.

Sign conventions (NOTES §4.4): ``discount_amount`` is negative on headers and positive on lines;
``shipping_discount_amount`` is positive. When catalogue prices include tax, part of each discount is tax
(``discount_tax_compensation_amount``, and ``shipping_discount_tax_compensation_amount`` for shipping). On an order
the two are separate totals; on invoices and credit memos Magento folds the shipping part into
``discount_tax_compensation_amount`` (``Sales/Model/Order/Invoice/Total/Tax.php``), so it is counted once. The
canonical documents carry discounts excluding tax, so that ``subtotal − discount + shipping + tax (+ credit memo
adjustments) = grand total`` holds to the cent. A document that does not add up is refused with the figures, not
posted wrong.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from mlconnector.connectors.commerce.errors import UnbalancedDocument
from mlconnector.connectors.commerce.normalize.money import ZERO, base_cents
from mlconnector.platform.documents import Line

TOLERANCE = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Totals:
    subtotal: Decimal
    shipping: Decimal
    shipping_discount: Decimal
    shipping_tax: Decimal
    discount_total: Decimal
    tax_total: Decimal
    grand_total: Decimal
    adjustment: Decimal = ZERO
    adjustment_fee: Decimal = ZERO


def header_totals(header: Mapping[str, Any], *, shipping_hidden_tax_included: bool) -> Totals:
    """``shipping_hidden_tax_included``: ``False`` for orders, ``True`` for invoices and credit memos."""
    shipping_hidden_tax = base_cents(header, "shipping_discount_tax_compensation_amount")
    hidden_tax = base_cents(header, "discount_tax_compensation_amount")
    if not shipping_hidden_tax_included:
        hidden_tax += shipping_hidden_tax
    return Totals(
        subtotal=base_cents(header, "subtotal"),
        shipping=base_cents(header, "shipping_amount"),
        shipping_discount=base_cents(header, "shipping_discount_amount") - shipping_hidden_tax,
        shipping_tax=base_cents(header, "shipping_tax_amount"),
        discount_total=-base_cents(header, "discount_amount") - hidden_tax,
        tax_total=base_cents(header, "tax_amount"),
        grand_total=base_cents(header, "grand_total"),
        adjustment=base_cents(header, "adjustment_positive"),
        adjustment_fee=base_cents(header, "adjustment_negative"),
    )


def check_balance(what: str, totals: Totals, lines: Sequence[Line]) -> None:
    """Raise :class:`UnbalancedDocument` unless the lines make the subtotal and the header makes the grand total."""
    line_sum = sum((line.amount for line in lines), ZERO)
    if abs(line_sum - totals.subtotal) > TOLERANCE * max(1, len(lines)):
        raise UnbalancedDocument(
            f"{what}: its top-level lines add up to {line_sum}, but its subtotal is {totals.subtotal}"
        )
    computed = (
        totals.subtotal
        - totals.discount_total
        + totals.shipping
        + totals.tax_total
        + totals.adjustment
        - totals.adjustment_fee
    )
    if abs(computed - totals.grand_total) > TOLERANCE:
        raise UnbalancedDocument(
            f"{what}: subtotal {totals.subtotal} − discount {totals.discount_total} + shipping {totals.shipping} "
            f"+ tax {totals.tax_total} + adjustments {totals.adjustment - totals.adjustment_fee} = {computed}, "
            f"but its grand total is {totals.grand_total} (store credit, gift cards, reward points or fixed product "
            "taxes are not supported yet)"
        )
