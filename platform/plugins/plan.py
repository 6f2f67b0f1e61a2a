"""What a sink answers: a plan of operations (or holds), and the outcome of delivering it."""

from __future__ import annotations

from typing import Any, Literal

import msgspec


class Hold(msgspec.Struct, frozen=True, kw_only=True):
    """Why a document cannot post yet, as a sentence saying what to do (``SKU 24-MB01 has no QuickBooks item``)."""

    code: str
    reason: str
    subject: str | None = None
    """What needs fixing (a SKU, a payment method code), so the dashboard can offer the fix in place."""


class Operation(msgspec.Struct, frozen=True, kw_only=True):
    """One write (or check) in the outside system."""

    key: str
    """Stable and unique within the plan (``customer:…``, ``invoice:…``)."""
    action: str
    """``add``, ``mod`` or ``query``."""
    object_type: str
    """The outside system's object (``Customer``, ``Invoice``, ``ReceivePayment``)."""
    depends_on: tuple[str, ...] = ()
    summary: dict[str, Any] = {}
    """Readable fields for the preview table."""
    request: str | None = None
    """The exact request that would be sent (qbXML for QuickBooks)."""


class Plan(msgspec.Struct, frozen=True, kw_only=True):
    document_key: str
    operations: tuple[Operation, ...] = ()
    holds: tuple[Hold, ...] = ()

    @property
    def held(self) -> bool:
        return bool(self.holds)


class Exchange(msgspec.Struct, frozen=True, kw_only=True):
    """One request the outside system received for a document, exactly as sent, and its raw answer (added in 1.4)."""

    subject: str
    """The operation it carried out (its :class:`Operation` key)."""
    request: str
    response: str | None = None
    """``None`` when no answer came back (the outcome says what was concluded instead)."""


class Outcome(msgspec.Struct, frozen=True, kw_only=True):
    """``posted`` (done, with the outside ids), ``deferred`` (queued for the outside system to collect),
    ``held`` (see ``holds``) or ``failed`` (``error`` says why)."""

    status: Literal["posted", "deferred", "held", "failed"]
    external_ids: dict[str, str] = {}
    holds: tuple[Hold, ...] = ()
    error: str | None = None
    totals: dict[str, str] = {}
    """Totals as the outside system computed them (``total``, ``subtotal``, ``tax``… as decimal strings), so the
    engine can reconcile them with the document and report variances."""
    exchanges: tuple[Exchange, ...] = ()
    """What was sent and what came back, kept in the document's audit trail with the outcome (added in 1.4)."""
