"""The totals QuickBooks computed for a transaction, read from its answer — what the engine reconciles with the
store's figures (to the cent) and shows in the daily variance report."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from lxml import etree

TRANSACTIONS = {"Invoice", "CreditMemo", "SalesReceipt", "ReceivePayment"}
ZERO = Decimal("0.00")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _amount(ret: etree._Element, name: str) -> Decimal | None:
    found = ret.find(name)
    if found is None or not (found.text or "").strip():
        return None
    try:
        return Decimal(found.text.strip())
    except InvalidOperation:
        return None


def _ret(response: str, object_type: str) -> etree._Element | None:
    try:
        root = etree.fromstring(f"<answers>{response}</answers>".encode(), _PARSER)
    except etree.XMLSyntaxError:
        return None
    return root.find(f".//{object_type}Ret")


def transaction_totals(
    object_type: str, response: str | None, line_kinds: list[str] | None = None
) -> dict[str, Decimal]:
    """``total`` of an applied Add's answer, and — given what each line was (``line_kinds``, in posting order) —
    the per-category sums of QuickBooks' own line amounts: ``sales``, ``discount`` (positive), ``shipping``,
    ``tax`` (Commerce's tax line plus any sales tax QuickBooks added), ``adjustment``.

    An InvoiceRet has no TotalAmount: its total is Subtotal + SalesTaxTotal (qbXML 13.0 InvoiceRet)."""
    if object_type not in TRANSACTIONS or not response:
        return {}
    ret = _ret(response, object_type)
    if ret is None:
        return {}
    subtotal, added_tax, total = _amount(ret, "Subtotal"), _amount(ret, "SalesTaxTotal"), _amount(ret, "TotalAmount")
    if total is None and subtotal is not None:
        total = subtotal + (added_tax or ZERO)
    figures: dict[str, Decimal] = {} if total is None else {"total": total}
    amounts = [_amount(line, "Amount") or ZERO for line in ret.findall(f"{object_type}LineRet")]
    if line_kinds and len(line_kinds) == len(amounts):
        for kind, amount in zip(line_kinds, amounts, strict=True):
            figures[kind] = figures.get(kind, ZERO) + (-amount if kind == "discount" else amount)
        figures["tax"] = figures.get("tax", ZERO) + (added_tax or ZERO)
    return figures


def document_totals(rows: list) -> dict[str, str]:
    """A document's totals from its applied writes: the main transaction's, and ``payment`` for what was
    received against it (a captured invoice's ReceivePayment)."""
    totals: dict[str, Decimal] = {}
    for row in rows:
        kinds = ((getattr(row, "notes", None) or {}).get("summary") or {}).get("line_kinds")
        figures = transaction_totals(row.object_type, getattr(row, "response", None), kinds)
        if not figures:
            continue
        if row.object_type == "ReceivePayment":
            totals["payment"] = totals.get("payment", Decimal("0.00")) + figures["total"]
        else:
            totals.update(figures)
    return {name: f"{value:.2f}" for name, value in totals.items()}
