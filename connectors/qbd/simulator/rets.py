"""``…Ret`` elements as QuickBooks returns them, in the order of the SDK's response layouts
(samples/sdk-annotated-excerpts/*Rs.xml.txt) and the real captures (capture-2008 CustomerRet, flowlink InvoiceRet and
ReceivePaymentRet)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from lxml import etree

from mlconnector.connectors.qbd.qbxml import numbers
from mlconnector.connectors.qbd.simulator.records import ListObject, Transaction

_CUSTOMER_FIELDS = (
    "CompanyName",
    "Salutation",
    "FirstName",
    "MiddleName",
    "LastName",
    "JobTitle",
    "BillAddress",
    "ShipAddress",
    "Phone",
    "AltPhone",
    "Fax",
    "Email",
    "Contact",
)


def _add(parent: etree._Element, tag: str, value: Any) -> None:
    if value is None or value == "":
        return
    node = etree.SubElement(parent, tag)
    if isinstance(value, dict):
        for key, text in value.items():
            if text:
                etree.SubElement(node, key).text = text
    elif isinstance(value, ListObject):
        etree.SubElement(node, "ListID").text = value.list_id
        etree.SubElement(node, "FullName").text = value.full_name
    else:
        node.text = str(value)


def _core(parent: etree._Element, obj: ListObject) -> None:
    _add(parent, "ListID", obj.list_id)
    _add(parent, "TimeCreated", obj.created)
    _add(parent, "TimeModified", obj.modified)
    _add(parent, "EditSequence", obj.edit_sequence)
    _add(parent, "Name", obj.name)


def list_ret(obj: ListObject) -> etree._Element:
    tag = obj.subtype or f"{obj.kind}Ret"
    ret = etree.Element(tag)
    _core(ret, obj)
    if obj.kind in ("Customer", "Item", "Account"):
        _add(ret, "FullName", obj.full_name)
    _add(ret, "IsActive", "true" if obj.is_active else "false")
    if obj.kind in ("Customer", "Item", "Account"):
        _add(ret, "Sublevel", "0")
    if obj.kind == "Account":
        _add(ret, "AccountType", obj.fields.get("AccountType", "Bank"))
    if obj.kind == "Customer":
        for name in _CUSTOMER_FIELDS:
            _add(ret, name, obj.fields.get(name))
        _add(ret, "Balance", "0.00")
        _add(ret, "TotalBalance", "0.00")
        _add(ret, "JobStatus", "None")
        _add(ret, "ExternalGUID", obj.fields.get("ExternalGUID"))
    return ret


def _lines(ret: etree._Element, txn: Transaction, tag: str) -> None:
    for line in txn.lines:
        node = etree.SubElement(ret, tag)
        _add(node, "TxnLineID", line.line_id)
        _add(node, "ItemRef", line.item)
        _add(node, "Desc", line.description)
        _add(node, "Quantity", numbers.quantity(line.quantity) if line.quantity is not None else None)
        _add(node, "Rate", numbers.price(line.rate) if line.rate is not None else None)
        _add(node, "Amount", numbers.amount(line.amount))
        if line.tax_code:
            code = etree.SubElement(node, "SalesTaxCodeRef")
            etree.SubElement(code, "FullName").text = line.tax_code


def _money(value: Decimal) -> str:
    return numbers.amount(value)


def txn_ret(txn: Transaction) -> etree._Element:
    ret = etree.Element(f"{txn.kind}Ret")
    for tag, value in (
        ("TxnID", txn.txn_id),
        ("TimeCreated", txn.created),
        ("TimeModified", txn.created),
        ("EditSequence", txn.edit_sequence),
        ("TxnNumber", txn.txn_number),
        ("CustomerRef", txn.customer),
        ("ARAccountRef", txn.fields.get("ARAccountRef")),
    ):
        if not (tag == "ARAccountRef" and txn.kind == "SalesReceipt"):
            _add(ret, tag, value)
    _add(ret, "TxnDate", txn.txn_date.isoformat())
    _add(ret, "RefNumber", txn.ref_number)
    if txn.kind == "ReceivePayment":
        _add(ret, "TotalAmount", _money(txn.total))
        _add(ret, "PaymentMethodRef", txn.fields.get("PaymentMethodRef"))
        _add(ret, "Memo", txn.fields.get("Memo"))
        _add(ret, "DepositToAccountRef", txn.fields.get("DepositToAccountRef"))
        used = sum((amount for _, amount in txn.applied_to), Decimal("0.00"))
        _add(ret, "UnusedPayment", _money(txn.total - used))
        _add(ret, "UnusedCredits", "0.00")
        _add(ret, "ExternalGUID", txn.external_guid)
        for target, amount in txn.applied_to:
            applied = etree.SubElement(ret, "AppliedToTxnRet")
            for tag, value in (
                ("TxnID", target.txn_id),
                ("TxnType", target.kind),
                ("TxnDate", target.txn_date.isoformat()),
                ("RefNumber", target.ref_number),
                ("BalanceRemaining", _money(target.balance)),
                ("Amount", _money(amount)),
            ):
                _add(applied, tag, value)
        return ret
    _add(ret, "BillAddress", txn.fields.get("BillAddress"))
    _add(ret, "ShipAddress", txn.fields.get("ShipAddress"))
    _add(ret, "IsPending", "false")
    if txn.kind == "Invoice":
        _add(ret, "IsFinanceCharge", "false")
    if txn.kind == "SalesReceipt":
        _add(ret, "CheckNumber", txn.fields.get("CheckNumber"))
        _add(ret, "PaymentMethodRef", txn.fields.get("PaymentMethodRef"))
    else:
        _add(ret, "PONumber", txn.fields.get("PONumber"))
    _add(ret, "Subtotal", _money(txn.subtotal))
    _add(ret, "SalesTaxPercentage", "0.00" if not txn.tax else None)
    _add(ret, "SalesTaxTotal", _money(txn.tax))
    if txn.kind == "Invoice":
        _add(ret, "AppliedAmount", _money(-txn.applied))
        _add(ret, "BalanceRemaining", _money(txn.balance))
        _add(ret, "Memo", txn.fields.get("Memo"))
        _add(ret, "IsPaid", "true" if txn.balance == 0 else "false")
    else:
        _add(ret, "TotalAmount", _money(txn.total))
        if txn.kind == "CreditMemo":
            _add(ret, "CreditRemaining", _money(txn.total))
        _add(ret, "Memo", txn.fields.get("Memo"))
    _add(ret, "IsToBePrinted", "false")
    _add(ret, "IsToBeEmailed", "false")
    if txn.kind == "SalesReceipt":
        _add(ret, "DepositToAccountRef", txn.fields.get("DepositToAccountRef"))
    _add(ret, "ExternalGUID", txn.external_guid)
    _lines(ret, txn, f"{txn.kind}LineRet")
    return ret
