"""Documents: upserting what a source normalised, and moving a document between states."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import msgspec
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.platform.db import tenancy
from mlconnector.platform.db.base import new_id
from mlconnector.platform.db.types import utcnow
from mlconnector.platform.documents import CreditMemo, Document, Payment, decode_document, encode_document
from mlconnector.platform.sync.models import DocumentRow

POSTED, PENDING, WAITING, HELD, QUEUED, FAILED, SKIPPED, INFORMATIONAL = (
    "posted",
    "pending",
    "waiting",
    "held",
    "queued",
    "failed",
    "skipped",
    "informational",
)
STATES = (PENDING, WAITING, HELD, QUEUED, POSTED, FAILED, SKIPPED, INFORMATIONAL)
FINAL = frozenset({POSTED, SKIPPED})


def document_type(document: Document) -> str:
    return type(document).__struct_config__.tag  # type: ignore[attr-defined]


def prerequisite_key(document: Document) -> str | None:
    """The document that must be in the books first: a payment's or credit memo's invoice."""
    if isinstance(document, Payment | CreditMemo):
        return document.invoice_key
    return None


@dataclass(frozen=True, slots=True)
class Accepted:
    """A document that is new or changed and needs (re)posting."""

    id: uuid.UUID
    key: str
    revision: int
    number: str | None
    order_number: str | None
    queue: bool = True
    """False when the change needs a person rather than a post (an invoice edited after posting)."""


def _content_hash(document: Document) -> str:
    """Hash of what matters for the books: the document without its source timestamp (a store touching
    ``updated_at`` alone is not a change)."""
    if getattr(document, "updated_at", None) is not None:
        document = msgspec.structs.replace(document, updated_at=None)
    return hashlib.sha256(encode_document(document)).hexdigest()


def _fields(document: Document) -> dict[str, Any]:
    body = encode_document(document).decode()
    return {
        "type": document_type(document),
        "number": getattr(document, "number", None),
        "order_number": getattr(document, "order_number", None),
        "document_date": getattr(document, "date", None),
        "currency": getattr(document, "currency", None),
        "grand_total": getattr(document, "grand_total", None) or getattr(document, "amount", None),
        "body": body,
        "content_hash": _content_hash(document),
    }


async def upsert_documents(
    session: AsyncSession, source: str, record_key: str, documents: Sequence[Document]
) -> list[Accepted]:
    """Insert new documents and update changed ones (back to ``pending``, next revision); identical ones are left
    alone. Returns the documents that need posting."""
    return [accepted for _, accepted in await upsert_record_documents(session, source, [(record_key, documents)])]


async def upsert_record_documents(
    session: AsyncSession, source: str, produced: Sequence[tuple[str, Sequence[Document]]]
) -> list[tuple[str, Accepted]]:
    """:func:`upsert_documents` for the documents of many records (record key, its documents), in their order:
    one read of what exists and one flush for a whole page of records. A document produced twice in the batch (a
    buyer's customer from two orders) is handled as if the records had come one after the other. Returns each
    accepted document with the key of the record that produced it."""
    tenant_id = tenancy.require_tenant(session.sync_session)
    keys = sorted({document.key for _, documents in produced for document in documents})
    existing: dict[str, DocumentRow] = {}
    for start in range(0, len(keys), _KEYS_PER_QUERY):
        chunk = keys[start : start + _KEYS_PER_QUERY]
        statement = select(DocumentRow).where(DocumentRow.tenant_id == tenant_id, DocumentRow.key.in_(chunk))
        existing |= {row.key: row for row in (await session.execute(statement)).scalars()}
    accepted: list[tuple[str, Accepted]] = []
    now = utcnow()
    for record_key, documents in produced:
        for document in documents:
            found = _accept(session, tenant_id, source, record_key, document, existing.get(document.key), now)
            if found is not None:
                existing[document.key] = found[0]
                accepted.append((record_key, found[1]))
    await session.flush()
    return accepted


_KEYS_PER_QUERY = 500
"""Keys per ``IN (…)`` list: well under SQLite's and asyncpg's parameter limits."""


def _accept(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    source: str,
    record_key: str,
    document: Document,
    row: DocumentRow | None,
    now: Any,
) -> tuple[DocumentRow, Accepted] | None:
    """Insert or update one document's row (the session flushes later); what to post, or ``None`` if unchanged."""
    fields = _fields(document)
    if row is None:
        row = DocumentRow(
            id=new_id(),
            tenant_id=tenant_id,
            key=document.key,
            source=source,
            record_key=record_key,
            revision=1,
            state=PENDING,
            external_ids={},
            sink_totals={},
            created_at=now,
            updated_at=now,
            **fields,
        )
        session.add(row)
    elif row.content_hash != fields["content_hash"]:
        row.revision += 1
        row.updated_at = now
        for name, value in fields.items():
            setattr(row, name, value)
        if row.state == POSTED and row.type != "customer":
            row.state, row.hold_code, row.hold_subject = HELD, "changed_after_posting", None
            row.hold_reason = (
                f"{row.type.replace('_', ' ').capitalize()} {row.number or row.key} changed in the store after it "
                "was posted. The books keep the posted version: adjust it in QuickBooks if needed, then skip this."
            )
            return row, Accepted(row.id, row.key, row.revision, row.number, row.order_number, queue=False)
        if row.state != SKIPPED:
            row.state = PENDING
            row.hold_code = row.hold_reason = row.hold_subject = None
    else:
        return None
    return row, Accepted(row.id, row.key, row.revision, row.number, row.order_number)


async def hold_unreadable(session: AsyncSession, source: str, record_key: str, reason: str) -> Accepted:
    """A record the source could not normalise becomes a held pseudo-document, so a person sees it."""
    tenant_id = tenancy.require_tenant(session.sync_session)
    key = f"record:{record_key}"
    row = (
        await session.execute(select(DocumentRow).where(DocumentRow.tenant_id == tenant_id, DocumentRow.key == key))
    ).scalar_one_or_none()
    now = utcnow()
    if row is None:
        row = DocumentRow(
            tenant_id=tenant_id,
            key=key,
            type="unreadable",
            source=source,
            record_key=record_key,
            body="{}",
            content_hash="",
            revision=1,
            state=HELD,
            external_ids={},
            sink_totals={},
            created_at=now,
            updated_at=now,
        )
        session.add(row)
    row.state, row.hold_code, row.hold_reason, row.updated_at = HELD, "unreadable", reason, now
    await session.flush()
    return Accepted(row.id, key, row.revision, None, None)


async def get_document(
    session: AsyncSession, *, document_id: uuid.UUID | None = None, key: str | None = None, lock: bool = False
) -> DocumentRow | None:
    """One document by id or key. ``lock`` holds a share lock on it (PostgreSQL) until the transaction ends: a
    payment deciding to wait for its invoice cannot miss the invoice being posted meanwhile (the posting waits)."""
    tenant_id = tenancy.require_tenant(session.sync_session)
    statement = select(DocumentRow).where(DocumentRow.tenant_id == tenant_id)
    statement = (
        statement.where(DocumentRow.id == document_id) if document_id else statement.where(DocumentRow.key == key)
    )
    if lock:
        statement = statement.with_for_update(read=True)
    return (await session.execute(statement)).scalar_one_or_none()


def canonical(row: DocumentRow) -> Document:
    return decode_document(row.body)


async def waiting_on(session: AsyncSession, key: str) -> list[DocumentRow]:
    tenant_id = tenancy.require_tenant(session.sync_session)
    statement = select(DocumentRow).where(
        DocumentRow.tenant_id == tenant_id, DocumentRow.waiting_on == key, DocumentRow.state == WAITING
    )
    return list((await session.execute(statement)).scalars())


async def set_state(session: AsyncSession, row: DocumentRow, state: str, **fields: Any) -> None:
    row.state = state
    row.updated_at = utcnow()
    if state not in (HELD, FAILED):
        row.hold_code = row.hold_reason = row.hold_subject = None
    if state != WAITING:
        row.waiting_on = None
    for name, value in fields.items():
        setattr(row, name, value)
    await session.flush()


async def count_by_state(session: AsyncSession) -> dict[str, int]:
    tenant_id = tenancy.require_tenant(session.sync_session)
    statement = (
        select(DocumentRow.state, func.count()).where(DocumentRow.tenant_id == tenant_id).group_by(DocumentRow.state)
    )
    counts = dict.fromkeys(STATES, 0)
    counts.update(dict((await session.execute(statement)).all()))
    return counts
