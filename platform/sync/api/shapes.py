"""The engine API's request and response shapes (msgspec structs, so the OpenAPI at ``/schema`` is exact)."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import msgspec

from mlconnector.platform.sync.models import AuditEvent, DocumentRow
from mlconnector.tenants.auth.principal import TenantAccess


class HoldOut(msgspec.Struct):
    code: str | None
    """``unmapped_sku``, ``unknown_item``, ``no_sink``, ``total_mismatch``, … (what kind of fix it needs)."""
    reason: str | None
    """What is wrong and what to do, in a sentence."""
    subject: str | None
    """What to fix (a SKU, a payment method code), for a fix in place."""


class DocumentOut(msgspec.Struct):
    key: str
    """Stable id of the document (``invoice:1:000000123``); use it in the document's URL."""
    type: str
    number: str | None
    order_number: str | None
    state: str
    """``pending``, ``waiting``, ``held``, ``queued``, ``posted``, ``failed``, ``skipped`` or ``informational``."""
    date: date | None
    currency: str | None
    grand_total: str | None
    """Decimal string in ``currency``."""
    hold: HoldOut | None
    waiting_on: str | None
    """The document that must post first (a payment's invoice)."""
    sink: str | None
    external_ids: dict[str, Any]
    """The books' ids (``TxnID``/``ListID``) once posted."""
    revision: int
    created_at: datetime
    updated_at: datetime
    posted_at: datetime | None


class DocumentPageOut(msgspec.Struct):
    items: list[DocumentOut]
    total: int
    """Documents matching the filters, on every page."""
    limit: int
    offset: int


class AuditEventOut(msgspec.Struct):
    id: int
    at: datetime
    actor: str
    """``system``, ``user:<id>``, ``token:<id>`` or ``operator``."""
    action: str
    source_ids: dict[str, Any]
    sink_ids: dict[str, Any]
    detail: dict[str, Any]
    request: str | None
    """The raw request sent to the books (qbXML), when there was one."""
    response: str | None
    """The books' raw answer."""


class DocumentDetailOut(DocumentOut):
    document: dict[str, Any] = {}
    """The canonical document as stored (lines, amounts, customer)."""
    audit: list[AuditEventOut] = []
    """Every step, oldest first."""


class SkipIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: str = msgspec.field(default="")
    """Why (kept in the audit trail)."""


class CursorOut(msgspec.Struct):
    source: str
    stream: str
    records_read: int
    updated_at: datetime


class StatusOut(msgspec.Struct):
    documents: dict[str, int]
    """Documents by state."""
    queue_depth: int
    """Jobs queued or running for this organisation."""
    last_read_at: datetime | None
    """When the store was last read."""
    cursors: list[CursorOut]
    paused_until: datetime | None
    """End of the pause window open now (UTC); ``null`` when sync runs."""
    pause_message: str | None


class MappingsIn(msgspec.Struct, forbid_unknown_fields=True):
    items: dict[str, str | None]
    """SKU → QuickBooks item full name; ``null`` removes a SKU's mapping."""
    replace: bool = False
    """Make ``items`` the whole mapping."""


class MappingsOut(msgspec.Struct):
    items: dict[str, str]


class ImportOut(msgspec.Struct):
    added: int
    changed: int
    unchanged: int
    released: int
    """Held documents queued to post again because their SKU now has an item."""


class PreviewOut(msgspec.Struct):
    key: str
    number: str | None
    type: str
    state: str
    grand_total: str | None
    operations: list[dict[str, Any]]
    """What would be sent, in order, with the exact request (``request``)."""
    holds: list[str]
    problem: str | None


class VarianceLineOut(msgspec.Struct):
    category: str
    """``sales``, ``tax``, ``shipping``, ``discounts``, ``payments`` or ``refunds``."""
    storefront: str
    books: str
    difference: str
    books_reported: bool
    """False when the books reported no figure of their own (the storefront's is assumed)."""


class VarianceExplanationOut(msgspec.Struct):
    key: str
    number: str | None
    state: str
    reason: str


class VarianceOut(msgspec.Struct):
    day: date
    balanced: bool
    lines: list[VarianceLineOut]
    explanations: list[VarianceExplanationOut]


def actor_of(access: TenantAccess) -> str:
    """Who did it, for the audit trail: the signed-in user or the API token (never the token itself)."""
    principal = access.principal
    if principal.token is not None:
        return f"token:{principal.token.token_id}"
    return f"user:{principal.user_id}"


def _money(value: Any) -> str | None:
    return None if value is None else f"{value:.2f}"


def document_out(row: DocumentRow) -> DocumentOut:
    return DocumentOut(**_document_fields(row))


def _document_fields(row: DocumentRow) -> dict[str, Any]:
    hold = HoldOut(row.hold_code, row.hold_reason, row.hold_subject) if row.hold_code or row.hold_reason else None
    return {
        "key": row.key,
        "type": row.type,
        "number": row.number,
        "order_number": row.order_number,
        "state": row.state,
        "date": row.document_date,
        "currency": row.currency,
        "grand_total": _money(row.grand_total),
        "hold": hold,
        "waiting_on": row.waiting_on,
        "sink": row.sink,
        "external_ids": dict(row.external_ids or {}),
        "revision": row.revision,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
        "posted_at": row.posted_at,
    }


def audit_out(event: AuditEvent) -> AuditEventOut:
    return AuditEventOut(
        id=event.id,
        at=event.at,
        actor=event.actor,
        action=event.action,
        source_ids=dict(event.source_ids or {}),
        sink_ids=dict(event.sink_ids or {}),
        detail=dict(event.detail or {}),
        request=event.request,
        response=event.response,
    )


def document_detail_out(row: DocumentRow, events: list[AuditEvent]) -> DocumentDetailOut:
    return DocumentDetailOut(
        **_document_fields(row), document=json.loads(row.body or "{}"), audit=[audit_out(e) for e in events]
    )
