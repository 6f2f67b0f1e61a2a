"""The simulated company file and how it answers a qbXML request document.

Behaviour, with the evidence for each (paths under ``shared/reference/qbd``):

- A document that is not well-formed or breaks the qbXML schema, or asks for a newer ``<?qbxml version?>`` than this
  QuickBooks supports, is refused whole with HRESULT 0x80040400 "QuickBooks found an error when parsing the provided
  XML text stream." and nothing runs (NOTES.md 2.9; qbwc/qbwc#53, #74).
- ``onError``: ``stopOnError`` answers nothing after the first error, ``continueOnError`` answers every request;
  each answer echoes its ``requestID`` (NOTES.md 2.1).
- Customer, Vendor, Employee and OtherName share one name namespace: 3100 'The name "X" of the list element is
  already in use.' (samples/extracted/quickbooks-php_soap_xml_test_receiveResponseXML_3100.xml; NOTES.md 2.7).
- A reference to a missing list object: 3140 'There is an invalid reference to QuickBooks Customer "X" in the
  Invoice.  QuickBooks error message: Invalid argument.  The specified record does not exist in the list.'
  (samples/flowlink-captures/sales_order_add_rs_invalid_record_ref.xml; "… in the Invoice line." for items).
- A query by ListID/TxnID that finds nothing: 3120 'Object "X" specified in the request cannot be found. …'
  (samples/extracted/qbwc-gem_CustomerQueryRs_3120_error.xml); by FullName: 500 Warn 'The query request has not
  been fully completed. There was a required element ("X") that could not be found in QuickBooks.' with whatever
  was found (samples/extracted/qbwc-gem_CustomerQueryRs_500_warn.xml); a filter that matches nothing: 1 (NOTES 2.5).
- A Mod with an old EditSequence: 3200 'The provided edit sequence "N" is out-of-date.' (NOTES.md 2.4).
- A payment over the amount due: 3210, severity "Info" (samples/extracted/quickbooks-php_Errors_…_3210.xml).
- A string longer than its field: 3070 (NOTES.md 2.6; lengths are Intuit's, qbxml/limits.py).
- Totals: a line's Amount is taken as sent, else Quantity × Rate rounded to the cent; Subtotal is the sum of the
  lines; sales tax is added only for lines with a taxable code on an invoice naming an ItemSalesTaxRef (NOTES 2.2).
- List filters (qbxml130.xsd ``ListFilter``; samples/sdk-annotated-excerpts/CustomerQueryRq.xml.txt): ``ActiveStatus``
  (default ActiveOnly), ``NameFilter`` (StartsWith, Contains or EndsWith on the FullName, without case, as names
  are compared) and ``MaxReturned``, in list order.
- ItemQuery iterators: ``iteratorRemainingCount`` and ``iteratorID``, valid only within one Web Connector
  session (``begin_session`` forgets them; NOTES.md 2.5).
- Assumed, not verified publicly: a transaction dated on or before the closing date is refused with 3170 ("There
  was an error when saving a(n) …" family, NOTES.md 2.9); RefNumbers are not checked for uniqueness (NOTES 2.4).
"""

from __future__ import annotations

import itertools
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from lxml import etree

from mlconnector.connectors.qbd.qbxml import numbers
from mlconnector.connectors.qbd.qbxml.envelope import SCHEMA_VERSION, parse_version
from mlconnector.connectors.qbd.qbxml.limits import LIMITS
from mlconnector.connectors.qbd.qbxml.validate import document_problems
from mlconnector.connectors.qbd.simulator.records import NAME_LISTS, Line, ListObject, Transaction
from mlconnector.connectors.qbd.simulator.rets import list_ret, txn_ret

PARSE_ERROR = ("0x80040400", "QuickBooks found an error when parsing the provided XML text stream.")
CENT = Decimal("0.01")
NOT_FOUND = "QuickBooks error message: Invalid argument.  The specified record does not exist in the list."


@dataclass(frozen=True)
class Reply:
    """What the Web Connector hands back in receiveResponseXML: a response, or an HRESULT and message."""

    response: str = ""
    hresult: str = ""
    message: str = ""


class Failure(Exception):
    def __init__(self, code: int, message: str, severity: str = "Error") -> None:
        super().__init__(message)
        self.code, self.message, self.severity = code, message, severity


@dataclass
class Injection:
    kind: str
    code: int
    message: str
    times: int = 1


@dataclass
class QuickBooksSimulator:
    company_name: str = "Simulated Books Inc."
    product: str = "QuickBooks Pro 2014"
    country: str = "US"
    max_version: str = SCHEMA_VERSION
    closing_date: date | None = None
    file_ids: dict[str, str] = field(default_factory=dict)
    lists: dict[str, dict[str, ListObject]] = field(default_factory=dict)
    transactions: dict[str, Transaction] = field(default_factory=dict)
    injections: list[Injection] = field(default_factory=list)
    requests_seen: list[str] = field(default_factory=list)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _clock: itertools.count = field(default_factory=lambda: itertools.count(1_700_000_000))
    _iterators: dict[str, list[ListObject]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for kind in (*NAME_LISTS, "Item", "Account", "PaymentMethod", "SalesTaxCode"):
            self.lists.setdefault(kind, {})
        for name in ("Tax", "Non"):
            self.add_list("SalesTaxCode", name)
        for name, kind in (("Accounts Receivable", "AccountsReceivable"), ("Undeposited Funds", "OtherCurrentAsset")):
            self.add_list("Account", name, AccountType=kind)

    # --- set-up -------------------------------------------------------------------------------------

    def _stamp(self) -> tuple[int, str]:
        tick = next(self._clock)
        return tick, f"2026-01-01T00:00:{tick % 60:02d}-05:00"

    def add_list(self, kind: str, name: str, *, subtype: str | None = None, **fields: Any) -> ListObject:
        tick, stamp = self._stamp()
        list_id = f"{0x80000000 + next(self._ids):08X}-{tick}"
        obj = ListObject(kind, list_id, name, tick, stamp, stamp, dict(fields), subtype=subtype)
        self.lists[kind][list_id] = obj
        return obj

    def add_item(self, name: str, subtype: str = "ItemServiceRet") -> ListObject:
        return self.add_list("Item", name, subtype=subtype)

    def stamp_file_id(self, owner_id: str, file_id: str) -> None:
        """What the Web Connector does when the .qwc is added: store our FileID in the company (Intuit readme)."""
        self.file_ids[owner_id.upper()] = file_id

    def begin_session(self) -> None:
        """A new Web Connector session: iterators of the previous connection are gone."""
        self._iterators.clear()

    def inject(self, kind: str, code: int, message: str, times: int = 1) -> None:
        """Make the next ``times`` requests of ``kind`` (``InvoiceAdd``) fail with ``code``."""
        self.injections.append(Injection(kind, code, message, times))

    def edit_in_quickbooks(self, obj: ListObject, **fields: Any) -> None:
        """A bookkeeper edits the record in QuickBooks: its EditSequence moves on."""
        obj.fields.update(fields)
        obj.edit_sequence, obj.modified = self._stamp()

    def delete_in_quickbooks(self, obj: ListObject) -> None:
        del self.lists[obj.kind][obj.list_id]

    # --- lookups ------------------------------------------------------------------------------------

    def named(self, kind: str, name: str) -> ListObject | None:
        wanted = name.casefold()
        return next((o for o in self.lists[kind].values() if o.full_name.casefold() == wanted), None)

    def customers(self) -> list[ListObject]:
        return list(self.lists["Customer"].values())

    def of_kind(self, kind: str) -> list[Transaction]:
        return [txn for txn in self.transactions.values() if txn.kind == kind]

    def _name_holder(self, name: str) -> ListObject | None:
        return next((o for kind in NAME_LISTS if (o := self.named(kind, name)) is not None), None)

    def _ref(self, parent: etree._Element, tag: str, kind: str, where: str) -> ListObject | None:
        node = parent.find(tag)
        if node is None:
            return None
        list_id, full_name = node.findtext("ListID"), node.findtext("FullName")
        found = self.lists[kind].get(list_id) if list_id else self.named(kind, full_name or "")
        if found is None:
            named = f'QuickBooks {kind} "{list_id or full_name}"'
            raise Failure(3140, f"There is an invalid reference to {named} in the {where}.  {NOT_FOUND}")
        return found

    # --- the request document -----------------------------------------------------------------------

    def hcp_response(self) -> str:
        from mlconnector.connectors.qbd.simulator.hcp import hcp_response

        return hcp_response(self)

    def process(self, qbxml: str) -> Reply:
        self.requests_seen.append(qbxml)
        try:
            root = etree.fromstring(qbxml.encode("utf-8"))
        except etree.XMLSyntaxError:
            return Reply(hresult=PARSE_ERROR[0], message=PARSE_ERROR[1])
        version = next(
            (node.text for node in root.itersiblings(preceding=True) if getattr(node, "target", None) == "qbxml"), None
        )
        declared = (version or "").replace("version=", "").strip().strip('"')
        try:
            too_new = parse_version(declared) > parse_version(self.max_version)
        except ValueError:
            too_new = True
        if too_new or document_problems(root):
            return Reply(hresult=PARSE_ERROR[0], message=PARSE_ERROR[1])
        messages = root.find("QBXMLMsgsRq")
        stop = messages.get("onError") == "stopOnError"
        out = etree.Element("QBXML")
        answers = etree.SubElement(out, "QBXMLMsgsRs")
        for request in messages:
            if not isinstance(request.tag, str):
                continue
            answer = self._answer(request)
            answers.append(answer)
            if stop and int(answer.get("statusCode")) >= 1000:
                break
        body = etree.tostring(out, encoding="unicode", pretty_print=True)
        return Reply(response=f'<?xml version="1.0" ?>\n{body}')

    def _answer(self, request: etree._Element) -> etree._Element:
        kind = request.tag[: -len("Rq")]
        answer = etree.Element(f"{kind}Rs")
        if request.get("requestID") is not None:
            answer.set("requestID", request.get("requestID"))
        try:
            injected = next((i for i in self.injections if i.kind == kind and i.times > 0), None)
            if injected is not None:
                injected.times -= 1
                raise Failure(injected.code, injected.message)
            handler: Callable[[etree._Element, etree._Element], str | None] = getattr(self, f"_{kind}")
            warning = handler(request, answer)
        except Failure as failure:
            for child in list(answer):
                answer.remove(child)
            answer.set("statusCode", str(failure.code))
            answer.set("statusSeverity", failure.severity)
            answer.set("statusMessage", failure.message)
            return answer
        if warning:
            answer.set("statusCode", "500")
            answer.set("statusSeverity", "Warn")
            answer.set("statusMessage", warning)
        elif not len(answer) and kind.endswith("Query") and kind not in ("HostQuery", "PreferencesQuery"):
            answer.set("statusCode", "1")
            answer.set("statusSeverity", "Info")
            answer.set("statusMessage", "A query request did not find a matching object in QuickBooks")
        else:
            answer.set("statusCode", "0")
            answer.set("statusSeverity", "Info")
            answer.set("statusMessage", "Status OK")
        self._trim(request, answer)
        return answer

    @staticmethod
    def _trim(request: etree._Element, answer: etree._Element) -> None:
        """``IncludeRetElement``: only the named elements of each Ret."""
        wanted = {node.text for node in request.findall("IncludeRetElement")}
        if not wanted:
            return
        for ret in answer:
            for child in list(ret):
                if child.tag not in wanted:
                    ret.remove(child)

    # --- list requests ------------------------------------------------------------------------------

    def _check_lengths(self, add: etree._Element) -> None:
        tree = add.getroottree()
        for node in add.iter():
            if not isinstance(node.tag, str) or not node.text:
                continue
            path = re.sub(r"\[\d+\]", "", tree.getpath(node)).split("/QBXMLMsgsRq/", 1)[-1]
            limit = LIMITS.get(path)
            if limit and len(node.text) > limit:
                raise Failure(3070, f'The string "{node.text}" in the field "{node.tag}" is too long.')

    def _CustomerAdd(self, request: etree._Element, answer: etree._Element) -> None:
        add = request.find("CustomerAdd")
        self._check_lengths(add)
        name = add.findtext("Name")
        if self._name_holder(name) is not None:
            raise Failure(3100, f'The name "{name}" of the list element is already in use.')
        fields = {child.tag: _value(child) for child in add if child.tag != "Name"}
        customer = self.add_list("Customer", name, **fields)
        answer.append(list_ret(customer))

    def _CustomerMod(self, request: etree._Element, answer: etree._Element) -> None:
        mod = request.find("CustomerMod")
        self._check_lengths(mod)
        customer = self.lists["Customer"].get(mod.findtext("ListID"))
        if customer is None:
            raise Failure(
                3120, f'Object "{mod.findtext("ListID")}" specified in the request cannot be found.  {NOT_FOUND}'
            )
        sequence = mod.findtext("EditSequence")
        if sequence != str(customer.edit_sequence):
            raise Failure(3200, f'The provided edit sequence "{sequence}" is out-of-date.')
        name = mod.findtext("Name")
        if name and name.casefold() != customer.name.casefold() and self._name_holder(name) is not None:
            raise Failure(3100, f'The name "{name}" of the list element is already in use.')
        if name:
            customer.name = name
        for child in mod:
            if child.tag not in ("ListID", "EditSequence", "Name"):
                customer.fields[child.tag] = _value(child)
        customer.edit_sequence, customer.modified = self._stamp()
        answer.append(list_ret(customer))

    def _query_list(self, kind: str, request: etree._Element, answer: etree._Element) -> str | None:
        ids = [node.text for node in request.findall("ListID")]
        names = [node.text for node in request.findall("FullName")]
        if ids:
            found = [self.lists[kind][i] for i in ids if i in self.lists[kind]]
            if not found:
                raise Failure(3120, f'Object "{ids[0]}" specified in the request cannot be found.  {NOT_FOUND}')
        elif names:
            found = [o for n in names if (o := self.named(kind, n or "")) is not None]
        else:
            found = _filtered(self.lists[kind].values(), request)
        for obj in found:
            answer.append(list_ret(obj))
        missing = [n for n in names if self.named(kind, n or "") is None]
        if names and missing:
            return (
                "The query request has not been fully completed. There was a required element "
                f'("{missing[0]}") that could not be found in QuickBooks.'
            )
        if len(found) < len(ids):
            return "The query request has not been fully completed."
        return None

    def _CustomerQuery(self, request, answer):
        return self._query_list("Customer", request, answer)

    def _VendorQuery(self, request, answer):
        return self._query_list("Vendor", request, answer)

    def _EmployeeQuery(self, request, answer):
        return self._query_list("Employee", request, answer)

    def _OtherNameQuery(self, request, answer):
        return self._query_list("OtherName", request, answer)

    def _AccountQuery(self, request, answer):
        return self._query_list("Account", request, answer)

    def _PaymentMethodQuery(self, request, answer):
        return self._query_list("PaymentMethod", request, answer)

    def _ItemQuery(self, request: etree._Element, answer: etree._Element) -> str | None:
        iterator = request.get("iterator")
        if iterator is None:
            return self._query_list("Item", request, answer)
        if iterator == "Start":
            iterator_id = "{" + str(uuid.uuid4()) + "}"
            self._iterators[iterator_id] = sorted(self.lists["Item"].values(), key=lambda o: o.list_id)
        else:
            iterator_id = request.get("iteratorID") or ""
            if iterator_id not in self._iterators:
                raise Failure(3000, f'The given object ID "{iterator_id}" in the field "iteratorID" is invalid.')
        remaining = self._iterators[iterator_id]
        page_size = int(request.findtext("MaxReturned") or 100)
        page, self._iterators[iterator_id] = remaining[:page_size], remaining[page_size:]
        for obj in page:
            answer.append(list_ret(obj))
        answer.set("iteratorRemainingCount", str(len(self._iterators[iterator_id])))
        answer.set("iteratorID", iterator_id)
        return None

    def _PreferencesQuery(self, request: etree._Element, answer: etree._Element) -> None:
        from mlconnector.connectors.qbd.simulator.hcp import preferences_ret

        answer.append(preferences_ret(self))

    def _HostQuery(self, request: etree._Element, answer: etree._Element) -> None:
        from mlconnector.connectors.qbd.simulator.hcp import host_ret

        answer.append(host_ret(self))

    # --- transactions -------------------------------------------------------------------------------

    def _new_txn(self, kind: str, add: etree._Element, where: str) -> Transaction:
        customer = self._ref(add, "CustomerRef", "Customer", where)
        txn_date = date.fromisoformat(add.findtext("TxnDate")) if add.findtext("TxnDate") else date(2026, 1, 1)
        if self.closing_date is not None and txn_date <= self.closing_date:
            raise Failure(
                3170,
                f"There was an error when saving a {where}.  QuickBooks error message: The transaction date is on or "
                f"before the closing date ({self.closing_date.isoformat()}).",
            )
        tick, stamp = self._stamp()
        number = next(self._ids)
        return Transaction(
            kind=kind,
            txn_id=f"{number:X}-{tick}",
            txn_number=number,
            edit_sequence=tick,
            created=stamp,
            customer=customer,
            txn_date=txn_date,
            ref_number=add.findtext("RefNumber"),
            external_guid=add.findtext("ExternalGUID"),
        )

    def _lines(self, txn: Transaction, add: etree._Element, tag: str, where: str) -> None:
        for node in add.findall(tag):
            item = self._ref(node, "ItemRef", "Item", f"{where} line")
            code = self._ref(node, "SalesTaxCodeRef", "SalesTaxCode", f"{where} line")
            quantity = Decimal(node.findtext("Quantity")) if node.findtext("Quantity") else None
            rate = Decimal(node.findtext("Rate")) if node.findtext("Rate") else None
            if node.findtext("Amount") is not None:
                amount = Decimal(node.findtext("Amount"))
            else:
                amount = ((quantity or Decimal(1)) * (rate or Decimal(0))).quantize(CENT, ROUND_HALF_UP)
            if rate is None and quantity:
                rate = (amount / quantity).quantize(Decimal("0.00001"), ROUND_HALF_UP)
            line_id = f"{next(self._ids):X}-{txn.edit_sequence}"
            txn.lines.append(
                Line(item, node.findtext("Desc"), quantity, rate, amount, code.name if code else None, line_id)
            )
        txn.subtotal = sum((line.amount for line in txn.lines), Decimal("0.00"))
        tax_item = self._ref(add, "ItemSalesTaxRef", "Item", where)
        taxable = sum((line.amount for line in txn.lines if line.tax_code == "Tax"), Decimal("0.00"))
        rate = Decimal(tax_item.fields.get("TaxRate", "0")) if tax_item else Decimal("0")
        txn.tax = (taxable * rate / 100).quantize(CENT, ROUND_HALF_UP)
        txn.total = txn.subtotal + txn.tax

    def _common(self, txn: Transaction, add: etree._Element, where: str) -> None:
        for tag, kind in (
            ("ARAccountRef", "Account"),
            ("DepositToAccountRef", "Account"),
            ("PaymentMethodRef", "PaymentMethod"),
            ("TemplateRef", None),
        ):
            if kind is not None:
                obj = self._ref(add, tag, kind, where)
                if obj is not None:
                    txn.fields[tag] = obj
        for tag in ("BillAddress", "ShipAddress", "PONumber", "Memo", "CheckNumber"):
            node = add.find(tag)
            if node is not None:
                txn.fields[tag] = _value(node)

    def _add_sales(self, kind: str, request: etree._Element, answer: etree._Element, line_tag: str) -> None:
        add = request.find(f"{kind}Add")
        self._check_lengths(add)
        txn = self._new_txn(kind, add, kind)
        self._common(txn, add, kind)
        self._lines(txn, add, line_tag, kind)
        self.transactions[txn.txn_id] = txn
        answer.append(txn_ret(txn))

    def _InvoiceAdd(self, request, answer):
        self._add_sales("Invoice", request, answer, "InvoiceLineAdd")

    def _CreditMemoAdd(self, request, answer):
        self._add_sales("CreditMemo", request, answer, "CreditMemoLineAdd")

    def _SalesReceiptAdd(self, request, answer):
        self._add_sales("SalesReceipt", request, answer, "SalesReceiptLineAdd")

    def _ReceivePaymentAdd(self, request: etree._Element, answer: etree._Element) -> None:
        add = request.find("ReceivePaymentAdd")
        self._check_lengths(add)
        txn = self._new_txn("ReceivePayment", add, "ReceivePayment")
        self._common(txn, add, "ReceivePayment")
        txn.total = Decimal(add.findtext("TotalAmount") or "0")
        for applied in add.findall("AppliedToTxnAdd"):
            target = self.transactions.get(applied.findtext("TxnID") or "")
            if target is None or target.kind != "Invoice":
                raise Failure(
                    3120, f'Object "{applied.findtext("TxnID")}" specified in the request cannot be found.  {NOT_FOUND}'
                )
            amount = Decimal(applied.findtext("PaymentAmount") or txn.total)
            if amount > target.balance:
                message = (
                    f'The "AppliedToTxnAdd payment amount" field has an invalid value "{numbers.amount(amount)}".  '
                    "QuickBooks error message: You cannot pay more than the amount due."
                )
                raise Failure(3210, message, severity="Info")
            txn.applied_to.append((target, amount))
        for target, amount in txn.applied_to:
            target.applied += amount
        self.transactions[txn.txn_id] = txn
        answer.append(txn_ret(txn))

    def _query_txn(self, kind: str, request: etree._Element, answer: etree._Element) -> str | None:
        ids = [node.text for node in request.findall("TxnID")]
        refs = [node.text for node in request.findall("RefNumber")]
        mine = self.of_kind(kind)
        if ids:
            found = [t for t in mine if t.txn_id in ids]
            if not found:
                raise Failure(3120, f'Object "{ids[0]}" specified in the request cannot be found.  {NOT_FOUND}')
        elif refs:
            found = [t for t in mine if t.ref_number in refs]
        else:
            found = mine
        for txn in found:
            answer.append(txn_ret(txn))
        return None

    def _InvoiceQuery(self, request, answer):
        return self._query_txn("Invoice", request, answer)

    def _CreditMemoQuery(self, request, answer):
        return self._query_txn("CreditMemo", request, answer)

    def _SalesReceiptQuery(self, request, answer):
        return self._query_txn("SalesReceipt", request, answer)

    def _ReceivePaymentQuery(self, request, answer):
        return self._query_txn("ReceivePayment", request, answer)


def _value(node: etree._Element) -> Any:
    if len(node):
        return {child.tag: child.text for child in node if isinstance(child.tag, str)}
    return node.text


_MATCHES: dict[str, Callable[[str, str], bool]] = {
    "StartsWith": str.startswith,
    "Contains": str.__contains__,
    "EndsWith": str.endswith,
}


def _filtered(objects: Any, request: etree._Element) -> list[ListObject]:
    """A list query's filters: ActiveStatus, then NameFilter, then MaxReturned."""
    status = request.findtext("ActiveStatus") or "ActiveOnly"
    found = [o for o in objects if status == "All" or o.is_active == (status == "ActiveOnly")]
    name_filter = request.find("NameFilter")
    if name_filter is not None:
        matches = _MATCHES[name_filter.findtext("MatchCriterion") or ""]
        wanted = (name_filter.findtext("Name") or "").casefold()
        found = [o for o in found if matches(o.full_name.casefold(), wanted)]
    limit = request.findtext("MaxReturned")
    return found[: int(limit)] if limit else found
