"""ReceivePaymentAdd (applied to its invoice by TxnID) and ReceivePaymentQuery."""

from __future__ import annotations

from lxml import etree

from mlconnector.connectors.qbd.qbxml import numbers
from mlconnector.connectors.qbd.qbxml.elements import Ref, child, named, optional, ref
from mlconnector.connectors.qbd.qbxml.limits import TextFitter
from mlconnector.connectors.qbd.qbxml.request import BuiltRequest, built
from mlconnector.connectors.qbd.qbxml.txn_query import txn_query
from mlconnector.connectors.qbd.settings import PostingSettings
from mlconnector.platform.documents import Payment

PATH = "ReceivePaymentAddRq/ReceivePaymentAdd"
PENDING_TXN_ID = "pending-invoice-txnid"
"""Stands in for the invoice's TxnID in a plan made before QuickBooks assigned it; the write machine puts the real
TxnID in at send time (IDTYPE allows 36 characters, so the placeholder is schema-valid)."""


def receive_payment_add(
    payment: Payment,
    settings: PostingSettings,
    *,
    customer: Ref,
    invoice_txn_id: str | None,
    payment_method: str | None,
    ref_number: str,
    external_guid: str | None,
) -> BuiltRequest:
    fitter = TextFitter()
    request = etree.Element("ReceivePaymentAddRq")
    add = child(request, "ReceivePaymentAdd")
    ref(add, "CustomerRef", customer)
    named(add, "ARAccountRef", settings.ar_account, fitter, PATH)
    child(add, "TxnDate", payment.date.isoformat())
    child(add, "RefNumber", fitter.fit(f"{PATH}/RefNumber", ref_number))
    child(add, "TotalAmount", numbers.amount(payment.amount))
    named(add, "PaymentMethodRef", payment_method, fitter, PATH)
    memo = f"Commerce payment {payment.number}"
    if payment.transaction_id:
        memo += f", transaction {payment.transaction_id}"
    optional(add, "Memo", fitter.fit(f"{PATH}/Memo", memo))
    named(add, "DepositToAccountRef", settings.deposit_account, fitter, PATH)
    optional(add, "ExternalGUID", external_guid)
    applied = child(add, "AppliedToTxnAdd")
    child(applied, "TxnID", invoice_txn_id or PENDING_TXN_ID)
    child(applied, "PaymentAmount", numbers.amount(payment.amount))
    return built(request, fitter)


def receive_payment_query(*, ref_numbers: tuple[str, ...] = (), txn_ids: tuple[str, ...] = ()) -> BuiltRequest:
    return txn_query("ReceivePayment", ref_numbers=ref_numbers, txn_ids=txn_ids)
