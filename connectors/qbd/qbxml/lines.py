"""Sales lines for invoices, credit memos and sales receipts: product lines, then discount, shipping, tax and
adjustments as item lines.

QuickBooks Desktop has no discount, shipping or tax *lines* (DiscountLineAdd, ShippingLineAdd and SalesTaxLineAdd
are QuickBooks Online only, NOTES.md 2.2), so each becomes a line on the item the settings name. Commerce already
computed tax; it posts as one line on the tax item and every line carries ``line_tax_code`` so QuickBooks does not
add tax of its own. Quantity and Amount are sent and the rate left to QuickBooks, so each line total is exactly the
Commerce row total; the lines must then add up to the Commerce grand total, or the document is held.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

import msgspec
from lxml import etree

from mlconnector.connectors.qbd.qbxml import numbers
from mlconnector.connectors.qbd.qbxml.elements import Ref, child, named, optional, ref
from mlconnector.connectors.qbd.qbxml.limits import TextFitter
from mlconnector.connectors.qbd.settings import PostingSettings
from mlconnector.platform.documents import CreditMemo, Invoice
from mlconnector.platform.plugins import Hold

ZERO = Decimal("0.00")


class SalesLine(msgspec.Struct, frozen=True, kw_only=True):
    item: str
    """The QuickBooks item FullName."""
    description: str | None = None
    quantity: Decimal | None = None
    amount: Decimal


def _extras(document: Invoice | CreditMemo) -> list[tuple[str, str | None, str, Decimal]]:
    """(setting name, item, description, signed amount) for every non-product line the document needs."""
    extras = []
    if document.discount_total:
        extras.append(("discount_item", "Discount", -abs(document.discount_total)))
    if document.shipping:
        extras.append(("shipping_item", "Shipping", document.shipping))
    if document.tax_total:
        extras.append(("tax_item", "Tax", document.tax_total))
    if isinstance(document, CreditMemo):
        if document.adjustment:
            extras.append(("adjustment_item", "Adjustment refund", document.adjustment))
        if document.adjustment_fee:
            extras.append(("adjustment_item", "Adjustment fee", -abs(document.adjustment_fee)))
    return [(setting, None, text, value) for setting, text, value in extras]


def holds(document: Invoice | CreditMemo, settings: PostingSettings, items: Mapping[str, str]) -> list[Hold]:
    """Everything that stops the lines from being built, each phrased as what to fix."""
    found: list[Hold] = []
    for sku in dict.fromkeys(line.sku for line in document.lines):
        if sku not in items:
            found.append(Hold(code="unmapped_sku", reason=f"SKU {sku} has no QuickBooks item", subject=sku))
    for setting, _, text, value in _extras(document):
        if getattr(settings, setting) is None:
            reason = (
                f"{text} of {numbers.amount(abs(value))} needs a QuickBooks item: "
                f"choose the {setting.replace('_', ' ')} in the QuickBooks settings"
            )
            found.append(Hold(code=f"no_{setting}", reason=reason, subject=setting))
    if not found:
        total = sum((line.amount for line in sales_lines(document, settings, items)), ZERO)
        if total != document.grand_total:
            reason = (
                f"The lines add up to {numbers.amount(total)} but Commerce says {numbers.amount(document.grand_total)}"
                f" for {document.number}; check the document in Commerce before it is posted"
            )
            found.append(Hold(code="totals_mismatch", reason=reason, subject=document.number))
    return found


def sales_lines(document: Invoice | CreditMemo, settings: PostingSettings, items: Mapping[str, str]) -> list[SalesLine]:
    """The lines in posting order. Call :func:`holds` first: a missing mapping raises ``KeyError`` here."""
    lines = [
        SalesLine(item=items[line.sku], description=line.name, quantity=line.quantity, amount=line.amount)
        for line in document.lines
    ]
    for setting, _, text, value in _extras(document):
        lines.append(SalesLine(item=getattr(settings, setting), description=text, amount=value))
    return lines


KINDS = {"discount_item": "discount", "shipping_item": "shipping", "tax_item": "tax", "adjustment_item": "adjustment"}


def line_kinds(document: Invoice | CreditMemo) -> list[str]:
    """What each posted line is, in posting order (``sales``, ``discount``, ``shipping``, ``tax``,
    ``adjustment``): how QuickBooks' answer is read back into the variance report's categories."""
    return ["sales"] * len(document.lines) + [KINDS[setting] for setting, *_ in _extras(document)]


def append_lines(
    parent: etree._Element, tag: str, lines: list[SalesLine], *, tax_code: str | None, fitter: TextFitter, path: str
) -> None:
    """``InvoiceLineAdd``/``CreditMemoLineAdd``/``SalesReceiptLineAdd`` elements in schema order."""
    for line in lines:
        node = child(parent, tag)
        ref(node, "ItemRef", Ref(full_name=line.item))  # QuickBooks' own name, sent verbatim to match
        optional(node, "Desc", fitter.fit(f"{path}/{tag}/Desc", line.description))
        if line.quantity is not None:
            child(node, "Quantity", numbers.quantity(line.quantity))
        child(node, "Amount", numbers.amount(line.amount))
        named(node, "SalesTaxCodeRef", tax_code, fitter, f"{path}/{tag}")
