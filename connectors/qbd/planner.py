"""Planning: a canonical document → the QuickBooks operations that would post it, in dependency order, each with
its exact qbXML; or holds that say what to fix.

An object already in QuickBooks (our identity table says so) is referenced by its ListID/TxnID and never added
again; one already queued is depended on, and its id is filled in when it goes out (``fills_in``). Every request is
validated against the qbXML schema here, before it can be queued.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.connectors.qbd import naming
from mlconnector.connectors.qbd.models import Connection, Identity, Write
from mlconnector.connectors.qbd.qbxml import credit_memo as credit_memo_builder
from mlconnector.connectors.qbd.qbxml import customer as customer_builder
from mlconnector.connectors.qbd.qbxml import envelope, lines, numbers, validate, versions
from mlconnector.connectors.qbd.qbxml import invoice as invoice_builder
from mlconnector.connectors.qbd.qbxml import receive_payment as payment_builder
from mlconnector.connectors.qbd.qbxml import sales_receipt as receipt_builder
from mlconnector.connectors.qbd.qbxml.elements import Ref
from mlconnector.connectors.qbd.qbxml.guids import external_guid
from mlconnector.connectors.qbd.qbxml.limits import LIMITS
from mlconnector.connectors.qbd.qbxml.request import BuiltRequest
from mlconnector.connectors.qbd.settings import PostingSettings
from mlconnector.connectors.qbd.writes import repository as writes_repository
from mlconnector.connectors.qbd.writes import states
from mlconnector.platform.documents import CreditMemo, Customer, Document, Invoice, Party, Payment
from mlconnector.platform.plugins import Hold, Operation, Plan

EXISTING = "existing"
"""The action of an operation that is already done in QuickBooks (shown in the preview, not sent)."""


@dataclass(slots=True)
class Known:
    """What the database says about the keys one document touches."""

    tenant_id: uuid.UUID
    identities: dict[str, Identity] = field(default_factory=dict)
    queued: dict[str, str] = field(default_factory=dict)
    """Operation key → state of a write already queued for it."""
    closing_date: date | None = None
    items: dict[str, str] | None = None
    """Item catalog (Name and FullName, case-folded → FullName) once it has been read from QuickBooks."""


def customer_key(party: Party) -> str:
    return f"customer:{party.key}"


def _keys(document: Document, settings: PostingSettings) -> set[str]:
    keys = {document.key}
    party = getattr(document, "customer", None) or getattr(document, "party", None)
    if party is not None:
        keys.add(customer_key(party))
    for name in ("invoice_key", "order_key"):
        if getattr(document, name, None):
            keys.add(getattr(document, name))
    if isinstance(document, Invoice):
        keys |= {payment_key(document), receipt_key(document.key)}
    if isinstance(document, Payment):
        keys.add(receipt_key(document.invoice_key))
    return keys


async def load_known(
    session: AsyncSession | None, tenant_id: uuid.UUID, document: Document, settings: PostingSettings
) -> Known:
    """Without a session (the contract kit, an offline preview) nothing is known: the plan adds everything."""
    known = Known(tenant_id=tenant_id)
    if session is None:
        return known
    keys = _keys(document, settings)
    known.identities = await writes_repository.identities(session, tenant_id, keys)
    rows = await session.execute(
        select(Write.operation_key, Write.state).where(
            Write.tenant_id == tenant_id, Write.operation_key.in_(sorted(keys))
        )
    )
    known.queued = dict(rows.all())
    connection = (
        await session.execute(select(Connection.closing_date).where(Connection.tenant_id == tenant_id))
    ).first()
    known.closing_date = connection[0] if connection else None
    if settings.match_sku_to_item_name:
        entries = await writes_repository.catalog_names(session, tenant_id, "Item")
        if entries:
            known.items = {}
            for full_name, name, is_active in entries:
                if is_active:
                    known.items.setdefault(full_name.casefold(), full_name)
                    if name:
                        known.items.setdefault(name.casefold(), full_name)
    return known


def payment_key(invoice: Invoice) -> str:
    return invoice.payment.key if invoice.payment else f"payment:{invoice.key}"


def receipt_key(invoice_key: str) -> str:
    return f"sales_receipt:{invoice_key}"


def _content_hash(party: Party, name: str) -> str:
    return hashlib.sha256(msgspec.json.encode([name, party])).hexdigest()


class Planner:
    def __init__(self, settings: PostingSettings, known: Known) -> None:
        self.settings = settings
        self.known = known
        self.operations: list[Operation] = []
        self.holds: list[Hold] = []

    # --- shared pieces ------------------------------------------------------------------------------

    def _operation(
        self,
        key: str,
        action: str,
        object_type: str,
        built: BuiltRequest | None,
        *,
        depends_on: tuple[str, ...] = (),
        summary: dict[str, Any] | None = None,
        fills_in: list[dict[str, str]] | None = None,
        reconcile_by: dict[str, Any] | None = None,
    ) -> None:
        summary = dict(summary or {})
        request = None
        if built is not None:
            problems = validate.problems(built.xml)
            if problems:
                reason = f"ml-connector built a {object_type} request QuickBooks would reject: {problems[0]}"
                self.holds.append(Hold(code="invalid_request", reason=reason, subject=key))
                return
            request = envelope.single(built.xml)
            summary["qbxml_version"] = versions.required(built.xml)
            summary["substitutions"] = [msgspec.to_builtins(s) for s in built.substitutions]
            summary["fills_in"] = fills_in or []
            summary["reconcile_by"] = reconcile_by or {}
        self.operations.append(
            Operation(
                key=key, action=action, object_type=object_type, depends_on=depends_on, summary=summary, request=request
            )
        )

    def _posted(self, key: str) -> Identity | None:
        return self.known.identities.get(key)

    def _queued(self, key: str) -> bool:
        state = self.known.queued.get(key)
        return state is not None and state not in (states.FAILED, states.HELD)

    def _in_plan(self, key: str) -> bool:
        return any(operation.key == key for operation in self.operations)

    def _guid(self, entity: str, key: str) -> str:
        return external_guid(self.known.tenant_id, entity, key)

    def _closed(self, document: Invoice | CreditMemo | Payment) -> None:
        closing = self.known.closing_date
        if closing is not None and document.date <= closing:
            reason = (
                f"QuickBooks is closed through {closing.isoformat()} and {document.number} is dated "
                f"{document.date.isoformat()}: move the closing date in QuickBooks or post it by hand"
            )
            self.holds.append(Hold(code="closed_period", reason=reason, subject=document.number))

    def _items(self, document: Invoice | CreditMemo) -> dict[str, str]:
        resolved = {}
        for line in document.lines:
            item = self.settings.items.get(line.sku)
            if item is None and self.known.items is not None:
                item = self.known.items.get(line.sku.casefold())
            if item is None:
                item = self.settings.fallback_item
            if item is not None:
                resolved[line.sku] = item
        if self.known.items is not None:
            for sku, item in list(resolved.items()):
                if item.casefold() not in self.known.items:
                    reason = (
                        f'SKU {sku} maps to QuickBooks item "{item}", which QuickBooks does not have (or is inactive)'
                    )
                    self.holds.append(Hold(code="unknown_item", reason=reason, subject=sku))
                    del resolved[sku]
        return resolved

    def _ref_number(self, number: str, object_type: str, field_path: str) -> str | None:
        value, reason = naming.ref_number(number, self.settings, object_type, LIMITS[field_path])
        if reason:
            self.holds.append(Hold(code="ref_number_too_long", reason=reason, subject=number))
        return value

    # --- customers ----------------------------------------------------------------------------------

    def customer(self, party: Party, *, for_document: bool) -> tuple[Ref, tuple[str, ...], list[dict[str, str]]]:
        """Plan the customer (if needed); return how to reference it, what to wait for, which ids to fill in."""
        if self.settings.guest_customer and (party.is_guest or party.key.startswith("guest:")):
            return Ref(full_name=self.settings.guest_customer), (), []
        key = customer_key(party)
        name, substitutions = naming.customer_name(party, self.settings)
        posted = self._posted(key)
        if posted is not None:
            changed = posted.content_hash not in (None, _content_hash(party, name))
            if for_document or not changed:
                if not for_document:
                    self._operation(
                        key, EXISTING, "Customer", None, summary={"list_id": posted.qb_id, "name": posted.name}
                    )
                return Ref(list_id=posted.qb_id), (), []
            mod_key = f"{key}#mod:{_content_hash(party, name)[:12]}"
            built = customer_builder.customer_mod(
                party, list_id=posted.qb_id, edit_sequence=posted.edit_sequence or "0", name=posted.name or name
            )
            match = {"list_id": posted.qb_id, "identity_key": key, "content_hash": _content_hash(party, name)}
            self._operation(
                mod_key, "mod", "Customer", built, summary={"name": posted.name or name}, reconcile_by=match
            )
            return Ref(list_id=posted.qb_id), (), []
        fill = [{"path": "", "key": key, "kind": "list_ref"}]
        if not self._in_plan(key):
            guid = self._guid("customer", party.key)
            built = customer_builder.customer_add(party, name=name, external_guid=guid)
            match = {
                "name": name,
                "base_name": name,
                "email": party.email,
                "external_guid": guid,
                "identity_key": key,
                "content_hash": _content_hash(party, name),
            }
            summary = {"name": name, "email": party.email}
            if substitutions:
                summary["name_substitutions"] = [msgspec.to_builtins(s) for s in substitutions]
            self._operation(key, "add", "Customer", built, summary=summary, reconcile_by=match)
        return Ref(full_name=name), (key,), fill

    # --- documents ----------------------------------------------------------------------------------

    def plan_customer(self, document: Customer) -> None:
        self.customer(document.party, for_document=False)

    def plan_invoice(self, invoice: Invoice) -> None:
        self._closed(invoice)
        as_receipt = invoice.paid and invoice.payment is not None and self.settings.paid_invoices == "sales_receipt"
        main_key = receipt_key(invoice.key) if as_receipt else invoice.key
        customer, waits, fills = self.customer(invoice.customer, for_document=True)
        items = self._items(invoice)
        self.holds.extend(lines.holds(invoice, self.settings, items))
        posted = self._posted(main_key)
        if posted is not None:
            self._operation(
                main_key,
                EXISTING,
                "SalesReceipt" if as_receipt else "Invoice",
                None,
                summary={"txn_id": posted.qb_id, "ref_number": posted.ref_number},
            )
        elif not self.holds:
            if as_receipt:
                self._sales_receipt(invoice, customer, waits, fills, items)
            else:
                self._invoice(invoice, customer, waits, fills, items)
        if invoice.paid and invoice.payment is not None and not as_receipt and not self.holds:
            self._payment(invoice.payment, customer, waits, fills, invoice_key=invoice.key)

    def _invoice(
        self, invoice: Invoice, customer: Ref, waits: tuple[str, ...], fills: list, items: dict[str, str]
    ) -> None:
        ref = self._ref_number(invoice.number, "RefNumber", "InvoiceAddRq/InvoiceAdd/RefNumber")
        if ref is None:
            return
        guid = self._guid("invoice", invoice.key)
        built = invoice_builder.invoice_add(
            invoice, self.settings, customer=customer, items=items, ref_number=ref, external_guid=guid
        )
        match = {"ref_number": ref, "external_guid": guid, "amount": numbers.amount(invoice.grand_total)}
        summary = {
            "ref_number": ref,
            "date": invoice.date.isoformat(),
            "total": numbers.amount(invoice.grand_total),
            "line_kinds": lines.line_kinds(invoice),
        }
        self._operation(
            invoice.key,
            "add",
            "Invoice",
            built,
            depends_on=waits,
            summary=summary,
            fills_in=_at(fills, "InvoiceAdd/CustomerRef"),
            reconcile_by=match,
        )

    def _sales_receipt(
        self, invoice: Invoice, customer: Ref, waits: tuple[str, ...], fills: list, items: dict[str, str]
    ) -> None:
        payment = invoice.payment
        assert payment is not None
        method = self._payment_method(payment)
        ref = self._ref_number(invoice.number, "RefNumber", "SalesReceiptAddRq/SalesReceiptAdd/RefNumber")
        if ref is None or method is None:
            return
        key = receipt_key(invoice.key)
        guid = self._guid("sales_receipt", invoice.key)
        built = receipt_builder.sales_receipt_add(
            invoice,
            self.settings,
            customer=customer,
            items=items,
            payment_method=method,
            ref_number=ref,
            external_guid=guid,
        )
        match = {"ref_number": ref, "external_guid": guid, "amount": numbers.amount(invoice.grand_total)}
        summary = {
            "ref_number": ref,
            "date": invoice.date.isoformat(),
            "total": numbers.amount(invoice.grand_total),
            "line_kinds": lines.line_kinds(invoice),
        }
        self._operation(
            key,
            "add",
            "SalesReceipt",
            built,
            depends_on=waits,
            summary=summary,
            fills_in=_at(fills, "SalesReceiptAdd/CustomerRef"),
            reconcile_by=match,
        )

    def _payment_method(self, payment: Payment) -> str | None:
        method = self.settings.payment_methods.get(payment.method) or self.settings.fallback_payment_method
        if method is None:
            title = f" ({payment.method_title})" if payment.method_title else ""
            reason = f'Payment method "{payment.method}"{title} has no QuickBooks payment method'
            self.holds.append(Hold(code="unmapped_payment_method", reason=reason, subject=payment.method))
        return method

    def _payment(
        self, payment: Payment, customer: Ref, waits: tuple[str, ...], fills: list, *, invoice_key: str
    ) -> None:
        self._closed(payment)
        method = self._payment_method(payment)
        ref = self._ref_number(payment.number, "RefNumber", "ReceivePaymentAddRq/ReceivePaymentAdd/RefNumber")
        if method is None or ref is None:
            return
        invoice = self._posted(invoice_key)
        depends = list(waits)
        payment_fills = _at(fills, "ReceivePaymentAdd/CustomerRef")
        if invoice is None:
            depends.append(invoice_key)
            payment_fills.append(
                {"path": "ReceivePaymentAdd/AppliedToTxnAdd/TxnID", "key": invoice_key, "kind": "text"}
            )
        guid = self._guid("payment", payment.key)
        built = payment_builder.receive_payment_add(
            payment,
            self.settings,
            customer=customer,
            invoice_txn_id=invoice.qb_id if invoice else None,
            payment_method=method,
            ref_number=ref,
            external_guid=guid,
        )
        match = {"ref_number": ref, "external_guid": guid, "amount": numbers.amount(payment.amount)}
        summary = {
            "ref_number": ref,
            "date": payment.date.isoformat(),
            "amount": numbers.amount(payment.amount),
            "method": method,
        }
        self._operation(
            payment.key,
            "add",
            "ReceivePayment",
            built,
            depends_on=tuple(depends),
            summary=summary,
            fills_in=payment_fills,
            reconcile_by=match,
        )

    def plan_payment(self, payment: Payment) -> None:
        receipt = self._posted(receipt_key(payment.invoice_key)) or self.known.queued.get(
            receipt_key(payment.invoice_key)
        )
        if receipt is not None:
            self._operation(payment.key, EXISTING, "SalesReceipt", None, summary={"paid_by": "sales receipt"})
            return
        posted = self._posted(payment.key)
        if posted is not None:
            self._operation(payment.key, EXISTING, "ReceivePayment", None, summary={"txn_id": posted.qb_id})
            return
        if self._posted(payment.invoice_key) is None and not self._queued(payment.invoice_key):
            reason = f"Payment {payment.number} waits for invoice {payment.invoice_key}, which is not in QuickBooks yet"
            self.holds.append(Hold(code="invoice_not_posted", reason=reason, subject=payment.invoice_key))
            return
        customer, waits, fills = self.customer(payment.customer, for_document=True)
        self._payment(payment, customer, waits, fills, invoice_key=payment.invoice_key)

    def plan_credit_memo(self, memo: CreditMemo) -> None:
        self._closed(memo)
        posted = self._posted(memo.key)
        if posted is not None:
            self._operation(memo.key, EXISTING, "CreditMemo", None, summary={"txn_id": posted.qb_id})
            return
        waits_for_invoice: tuple[str, ...] = ()
        if memo.invoice_key and self._posted(memo.invoice_key) is None:
            if not self._queued(memo.invoice_key):
                reason = (
                    f"Credit memo {memo.number} waits for invoice {memo.invoice_key}, which is not in QuickBooks yet"
                )
                self.holds.append(Hold(code="invoice_not_posted", reason=reason, subject=memo.invoice_key))
                return
            waits_for_invoice = (memo.invoice_key,)
        customer, waits, fills = self.customer(memo.customer, for_document=True)
        items = self._items(memo)
        self.holds.extend(lines.holds(memo, self.settings, items))
        ref = self._ref_number(memo.number, "RefNumber", "CreditMemoAddRq/CreditMemoAdd/RefNumber")
        if self.holds or ref is None:
            return
        guid = self._guid("credit_memo", memo.key)
        built = credit_memo_builder.credit_memo_add(
            memo, self.settings, customer=customer, items=items, ref_number=ref, external_guid=guid
        )
        match = {"ref_number": ref, "external_guid": guid, "amount": numbers.amount(memo.grand_total)}
        summary = {
            "ref_number": ref,
            "date": memo.date.isoformat(),
            "total": numbers.amount(memo.grand_total),
            "line_kinds": lines.line_kinds(memo),
        }
        self._operation(
            memo.key,
            "add",
            "CreditMemo",
            built,
            depends_on=(*waits, *waits_for_invoice),
            summary=summary,
            fills_in=_at(fills, "CreditMemoAdd/CustomerRef"),
            reconcile_by=match,
        )

    def result(self, document_key: str) -> Plan:
        if self.holds:
            return Plan(document_key=document_key, holds=tuple(dict.fromkeys(self.holds)))
        return Plan(document_key=document_key, operations=tuple(self.operations))


def _at(fills: list[dict[str, str]], path: str) -> list[dict[str, str]]:
    return [{**fill, "path": path} for fill in fills]


def plan(document: Document, settings: PostingSettings, known: Known) -> Plan:
    planner = Planner(settings, known)
    if isinstance(document, Customer):
        planner.plan_customer(document)
    elif isinstance(document, Invoice):
        planner.plan_invoice(document)
    elif isinstance(document, Payment):
        planner.plan_payment(document)
    elif isinstance(document, CreditMemo):
        planner.plan_credit_memo(document)
    else:
        reason = (
            f"QuickBooks Desktop posts invoices, payments, credit memos and customers, not {type(document).__name__}"
        )
        planner.holds.append(Hold(code="unsupported_document", reason=reason))
    return planner.result(document.key)
