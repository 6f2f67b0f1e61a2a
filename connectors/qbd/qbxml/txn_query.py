"""Transaction queries by RefNumber or TxnID, the reconciliation read for in-doubt adds (NOTES.md 4.3).

The Ret is trimmed with ``IncludeRetElement`` to what matching needs, ExternalGUID named explicitly because
whether QuickBooks returns it unasked is unverified (NOTES.md 5, question 6).
"""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from mlconnector.connectors.qbd.qbxml.elements import child
from mlconnector.connectors.qbd.qbxml.request import BuiltRequest, built

MATCH_FIELDS = {
    "Invoice": ("TxnID", "EditSequence", "TxnDate", "RefNumber", "CustomerRef", "Subtotal", "SalesTaxTotal"),
    "CreditMemo": ("TxnID", "EditSequence", "TxnDate", "RefNumber", "CustomerRef", "TotalAmount"),
    "SalesReceipt": ("TxnID", "EditSequence", "TxnDate", "RefNumber", "CustomerRef", "TotalAmount"),
    "ReceivePayment": ("TxnID", "EditSequence", "TxnDate", "RefNumber", "CustomerRef", "TotalAmount"),
}


def txn_query(kind: str, *, ref_numbers: Sequence[str] = (), txn_ids: Sequence[str] = ()) -> BuiltRequest:
    """``<kind>QueryRq`` by RefNumber or by TxnID (exactly one of them)."""
    if bool(ref_numbers) == bool(txn_ids):
        raise ValueError(f"a {kind} query takes either TxnIDs or RefNumbers")
    request = etree.Element(f"{kind}QueryRq")
    for txn_id in txn_ids:
        child(request, "TxnID", txn_id)
    for ref_number in ref_numbers:
        child(request, "RefNumber", ref_number)
    for name in (*MATCH_FIELDS[kind], "ExternalGUID"):
        child(request, "IncludeRetElement", name)
    return built(request)
