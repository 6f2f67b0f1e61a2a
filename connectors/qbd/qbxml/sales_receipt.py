"""SalesReceiptAdd (an invoice paid at checkout, when the settings post those as sales receipts) and its query."""

from __future__ import annotations

from collections.abc import Mapping

from lxml import etree

from mlconnector.connectors.qbd.qbxml.elements import Ref, address, child, named, optional, ref
from mlconnector.connectors.qbd.qbxml.invoice import invoice_memo
from mlconnector.connectors.qbd.qbxml.limits import TextFitter
from mlconnector.connectors.qbd.qbxml.lines import append_lines, sales_lines
from mlconnector.connectors.qbd.qbxml.request import BuiltRequest, built
from mlconnector.connectors.qbd.qbxml.txn_query import txn_query
from mlconnector.connectors.qbd.settings import PostingSettings
from mlconnector.platform.documents import Invoice

PATH = "SalesReceiptAddRq/SalesReceiptAdd"


def sales_receipt_add(
    invoice: Invoice,
    settings: PostingSettings,
    *,
    customer: Ref,
    items: Mapping[str, str],
    payment_method: str | None,
    ref_number: str,
    external_guid: str | None,
) -> BuiltRequest:
    fitter = TextFitter()
    request = etree.Element("SalesReceiptAddRq")
    add = child(request, "SalesReceiptAdd")
    ref(add, "CustomerRef", customer)
    named(add, "TemplateRef", settings.sales_receipt_template, fitter, PATH)
    child(add, "TxnDate", invoice.date.isoformat())
    child(add, "RefNumber", fitter.fit(f"{PATH}/RefNumber", ref_number))
    address(add, "BillAddress", invoice.billing_address, fitter, PATH)
    address(add, "ShipAddress", invoice.shipping_address, fitter, PATH)
    transaction = invoice.payment.transaction_id if invoice.payment else None
    optional(add, "CheckNumber", fitter.fit(f"{PATH}/CheckNumber", transaction))
    named(add, "PaymentMethodRef", payment_method, fitter, PATH)
    optional(add, "Memo", fitter.fit(f"{PATH}/Memo", invoice_memo(invoice)))
    named(add, "DepositToAccountRef", settings.deposit_account, fitter, PATH)
    optional(add, "ExternalGUID", external_guid)
    lines = sales_lines(invoice, settings, items)
    append_lines(add, "SalesReceiptLineAdd", lines, tax_code=settings.line_tax_code, fitter=fitter, path=PATH)
    return built(request, fitter)


def sales_receipt_query(*, ref_numbers: tuple[str, ...] = (), txn_ids: tuple[str, ...] = ()) -> BuiltRequest:
    return txn_query("SalesReceipt", ref_numbers=ref_numbers, txn_ids=txn_ids)
