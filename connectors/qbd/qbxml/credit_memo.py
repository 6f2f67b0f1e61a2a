"""CreditMemoAdd and CreditMemoQuery."""

from __future__ import annotations

from collections.abc import Mapping

from lxml import etree

from mlconnector.connectors.qbd.qbxml.elements import Ref, address, child, named, optional, ref
from mlconnector.connectors.qbd.qbxml.limits import TextFitter
from mlconnector.connectors.qbd.qbxml.lines import append_lines, sales_lines
from mlconnector.connectors.qbd.qbxml.request import BuiltRequest, built
from mlconnector.connectors.qbd.qbxml.txn_query import txn_query
from mlconnector.connectors.qbd.settings import PostingSettings
from mlconnector.platform.documents import CreditMemo

PATH = "CreditMemoAddRq/CreditMemoAdd"


def credit_memo_add(
    memo: CreditMemo,
    settings: PostingSettings,
    *,
    customer: Ref,
    items: Mapping[str, str],
    ref_number: str,
    external_guid: str | None,
) -> BuiltRequest:
    fitter = TextFitter()
    request = etree.Element("CreditMemoAddRq")
    add = child(request, "CreditMemoAdd")
    ref(add, "CustomerRef", customer)
    named(add, "ARAccountRef", settings.ar_account, fitter, PATH)
    named(add, "TemplateRef", settings.credit_memo_template, fitter, PATH)
    child(add, "TxnDate", memo.date.isoformat())
    child(add, "RefNumber", fitter.fit(f"{PATH}/RefNumber", ref_number))
    address(add, "BillAddress", memo.billing_address, fitter, PATH)
    address(add, "ShipAddress", memo.shipping_address, fitter, PATH)
    optional(add, "PONumber", fitter.fit(f"{PATH}/PONumber", memo.order_number))
    text = f"Commerce credit memo {memo.number}, order {memo.order_number}"
    optional(add, "Memo", fitter.fit(f"{PATH}/Memo", f"{text}. {memo.memo}" if memo.memo else text))
    optional(add, "ExternalGUID", external_guid)
    lines = sales_lines(memo, settings, items)
    append_lines(add, "CreditMemoLineAdd", lines, tax_code=settings.line_tax_code, fitter=fitter, path=PATH)
    return built(request, fitter)


def credit_memo_query(*, ref_numbers: tuple[str, ...] = (), txn_ids: tuple[str, ...] = ()) -> BuiltRequest:
    return txn_query("CreditMemo", ref_numbers=ref_numbers, txn_ids=txn_ids)
