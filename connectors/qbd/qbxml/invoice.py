"""InvoiceAdd and InvoiceQuery."""

from __future__ import annotations

from collections.abc import Mapping

from lxml import etree

from mlconnector.connectors.qbd.qbxml.elements import Ref, address, child, named, optional, ref
from mlconnector.connectors.qbd.qbxml.limits import TextFitter
from mlconnector.connectors.qbd.qbxml.lines import append_lines, sales_lines
from mlconnector.connectors.qbd.qbxml.request import BuiltRequest, built
from mlconnector.connectors.qbd.qbxml.txn_query import txn_query
from mlconnector.connectors.qbd.settings import PostingSettings
from mlconnector.platform.documents import Invoice

PATH = "InvoiceAddRq/InvoiceAdd"


def invoice_memo(invoice: Invoice) -> str:
    memo = f"Commerce invoice {invoice.number}, order {invoice.order_number}"
    return f"{memo}. {invoice.memo}" if invoice.memo else memo


def invoice_add(
    invoice: Invoice,
    settings: PostingSettings,
    *,
    customer: Ref,
    items: Mapping[str, str],
    ref_number: str,
    external_guid: str | None,
) -> BuiltRequest:
    """The invoice as QuickBooks should hold it; ``items`` maps each SKU to its item (see ``lines.holds``)."""
    fitter = TextFitter()
    request = etree.Element("InvoiceAddRq")
    add = child(request, "InvoiceAdd")
    ref(add, "CustomerRef", customer)
    named(add, "ARAccountRef", settings.ar_account, fitter, PATH)
    named(add, "TemplateRef", settings.invoice_template, fitter, PATH)
    child(add, "TxnDate", invoice.date.isoformat())
    child(add, "RefNumber", fitter.fit(f"{PATH}/RefNumber", ref_number))
    address(add, "BillAddress", invoice.billing_address, fitter, PATH)
    address(add, "ShipAddress", invoice.shipping_address, fitter, PATH)
    optional(add, "PONumber", fitter.fit(f"{PATH}/PONumber", invoice.order_number))
    optional(add, "Memo", fitter.fit(f"{PATH}/Memo", invoice_memo(invoice)))
    optional(add, "ExternalGUID", external_guid)
    lines = sales_lines(invoice, settings, items)
    append_lines(add, "InvoiceLineAdd", lines, tax_code=settings.line_tax_code, fitter=fitter, path=PATH)
    return built(request, fitter)


def invoice_query(*, ref_numbers: tuple[str, ...] = (), txn_ids: tuple[str, ...] = ()) -> BuiltRequest:
    return txn_query("Invoice", ref_numbers=ref_numbers, txn_ids=txn_ids)
