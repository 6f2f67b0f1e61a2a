"""The daily variance report: the storefront's figures for a day beside what the books recorded.

Storefront figures come from the canonical documents dated that day; book figures from the totals the sink
reported when it posted them. Every document that is not posted, or posted with a different total, is listed
as an explanation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.platform.db import tenancy
from mlconnector.platform.documents import CreditMemo, Invoice, Payment
from mlconnector.platform.sync import documents
from mlconnector.platform.sync.models import DocumentRow

CATEGORIES = ("sales", "tax", "shipping", "discounts", "payments", "refunds")
ZERO = Decimal("0.00")
_BOOK_KEYS = {"sales": "sales", "tax": "tax", "shipping": "shipping", "discounts": "discount", "payments": "payment"}


@dataclass(slots=True)
class Line:
    category: str
    storefront: Decimal = ZERO
    books: Decimal = ZERO
    books_reported: bool = True

    @property
    def difference(self) -> Decimal:
        return self.books - self.storefront


@dataclass(slots=True)
class VarianceReport:
    day: date
    lines: dict[str, Line] = field(default_factory=lambda: {c: Line(c) for c in CATEGORIES})
    explanations: list[dict[str, Any]] = field(default_factory=list)

    @property
    def balanced(self) -> bool:
        return all(line.difference == 0 for line in self.lines.values()) and not self.explanations


def _storefront(document: Any) -> dict[str, Decimal]:
    if isinstance(document, Invoice):
        paid = document.payment.amount if document.paid and document.payment else ZERO
        return {
            "sales": document.subtotal,
            "tax": document.tax_total,
            "shipping": document.shipping,
            "discounts": document.discount_total,
            "payments": paid,
        }
    if isinstance(document, CreditMemo):
        return {"refunds": document.grand_total}
    if isinstance(document, Payment):
        return {"payments": document.amount}
    return {}


def _books(row: DocumentRow, storefront: dict[str, Decimal]) -> dict[str, Decimal | None]:
    """What the books recorded per category (``None`` when the sink reported no such figure)."""
    totals = row.sink_totals or {}
    if row.type == "credit_memo":
        return {"refunds": Decimal(totals["total"]) if "total" in totals else None}
    if row.type == "payment":
        return {"payments": Decimal(totals["total"]) if "total" in totals else None}
    categorised = "sales" in totals  # the sink split its lines by kind: a kind it did not list was zero
    return {
        category: Decimal(totals[key]) if key in totals else (ZERO if categorised and key != "payment" else None)
        for category, key in _BOOK_KEYS.items()
        if category in storefront
    }


async def daily_variance(session: AsyncSession, day: date) -> VarianceReport:
    tenant_id = tenancy.require_tenant(session.sync_session)
    rows = (
        (
            await session.execute(
                select(DocumentRow)
                .where(
                    DocumentRow.tenant_id == tenant_id,
                    DocumentRow.document_date == day,
                    DocumentRow.type.in_(("invoice", "credit_memo", "payment")),
                )
                .order_by(DocumentRow.number)
            )
        )
        .scalars()
        .all()
    )
    report = VarianceReport(day)
    decoded = {row.key: documents.canonical(row) for row in rows}
    inside_invoices = {doc.payment.key for doc in decoded.values() if isinstance(doc, Invoice) and doc.payment}
    for row in rows:
        if row.state == documents.SKIPPED or row.key in inside_invoices:
            continue  # a payment carried by its invoice is counted there, once
        figures = _storefront(decoded[row.key])
        for category, amount in figures.items():
            report.lines[category].storefront += amount
        if row.state != documents.POSTED:
            report.explanations.append(
                {
                    "key": row.key,
                    "number": row.number,
                    "state": row.state,
                    "reason": row.hold_reason or f"not posted yet ({row.state})",
                }
            )
            continue
        for category, amount in _books(row, figures).items():
            if amount is None:
                report.lines[category].books_reported = False
                report.lines[category].books += figures.get(category, ZERO)
            else:
                report.lines[category].books += amount
        total = (row.sink_totals or {}).get("total")
        if total is not None and row.grand_total is not None and Decimal(total) != row.grand_total:
            report.explanations.append(
                {
                    "key": row.key,
                    "number": row.number,
                    "state": row.state,
                    "reason": f"the books total {Decimal(total):.2f}, the store {row.grand_total:.2f}",
                }
            )
    return report
