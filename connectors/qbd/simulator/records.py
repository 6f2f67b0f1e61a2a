"""The simulator's records: list objects (customers, vendors, items, accounts, …) and transactions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

NAME_LISTS = ("Customer", "Vendor", "Employee", "OtherName")
"""One name namespace (NOTES.md 2.7)."""


@dataclass
class ListObject:
    kind: str
    list_id: str
    name: str
    edit_sequence: int
    created: str
    modified: str
    fields: dict[str, Any] = field(default_factory=dict)
    """Child elements in schema order: text, or a dict for an address."""
    is_active: bool = True
    subtype: str | None = None
    """For items: the Ret tag (``ItemServiceRet``, ``ItemOtherChargeRet``, …)."""

    @property
    def full_name(self) -> str:
        return self.name


@dataclass
class Line:
    item: ListObject
    description: str | None
    quantity: Decimal | None
    rate: Decimal | None
    amount: Decimal
    tax_code: str | None
    line_id: str


@dataclass
class Transaction:
    kind: str
    txn_id: str
    txn_number: int
    edit_sequence: int
    created: str
    customer: ListObject
    txn_date: date
    ref_number: str | None
    lines: list[Line] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)
    external_guid: str | None = None
    subtotal: Decimal = Decimal("0.00")
    tax: Decimal = Decimal("0.00")
    applied: Decimal = Decimal("0.00")
    total: Decimal = Decimal("0.00")
    applied_to: list[tuple[Transaction, Decimal]] = field(default_factory=list)

    @property
    def balance(self) -> Decimal:
        return self.total - self.applied
