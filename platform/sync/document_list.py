"""Finding documents for the dashboard and the API: a filtered, counted page, the holds, and one document with
its audit trail. Every query leads with ``tenant_id`` and a column of one of the documents indexes (migration
0004 added those the lists need at 100k documents)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.platform.db import tenancy
from mlconnector.platform.errors import InvalidInput
from mlconnector.platform.sync import documents
from mlconnector.platform.sync.audit import search_audit
from mlconnector.platform.sync.models import AuditEvent, DocumentRow

MAX_LIMIT = 200
HOLD_STATES = (documents.HELD, documents.FAILED)
TRAIL_LIMIT = 1000


@dataclass(frozen=True, slots=True)
class DocumentPage:
    rows: list[DocumentRow]
    total: int
    """How many documents match the filters (all pages)."""


def _check_page(limit: int, offset: int) -> None:
    problems = []
    if not 1 <= limit <= MAX_LIMIT:
        problems.append(("limit", f"ask for 1 to {MAX_LIMIT} documents per page."))
    if offset < 0:
        problems.append(("offset", "start at 0 or later."))
    if problems:
        raise InvalidInput(problems, status_code=400)


def _conditions(
    session: AsyncSession, states: tuple[str, ...] | None, number: str | None, type_: str | None
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [DocumentRow.tenant_id == tenancy.require_tenant(session.sync_session)]
    if states:
        if any(state not in documents.STATES for state in states):
            raise InvalidInput(("state", f"use one of {', '.join(documents.STATES)}."), status_code=400)
        conditions.append(DocumentRow.state.in_(states))
    if number:
        conditions.append(or_(DocumentRow.number == number, DocumentRow.order_number == number))
    if type_:
        conditions.append(DocumentRow.type == type_)
    return conditions


async def _page(
    session: AsyncSession, conditions: list[ColumnElement[bool]], order: tuple[Any, ...], limit: int, offset: int
) -> DocumentPage:
    """One page in ``order`` and the count of every match (counted on the indexes, never on the bodies)."""
    total = (await session.execute(select(func.count()).select_from(DocumentRow).where(*conditions))).scalar_one()
    statement = select(DocumentRow).where(*conditions).order_by(*order).limit(limit).offset(offset)
    return DocumentPage(list((await session.execute(statement)).scalars()), total)


async def list_documents(
    session: AsyncSession,
    *,
    states: tuple[str, ...] | None = None,
    number: str | None = None,
    type_: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> DocumentPage:
    """The session tenant's documents, newest first, filtered by state(s), by an order/invoice/credit-memo
    ``number`` (exact: the document's own number or its order's) and by type; with the total count."""
    _check_page(limit, offset)
    conditions = _conditions(session, states, number, type_)
    return await _page(session, conditions, (DocumentRow.created_at.desc(), DocumentRow.id.desc()), limit, offset)


async def list_holds(session: AsyncSession, *, limit: int = 50, offset: int = 0) -> DocumentPage:
    """Documents that need a person (held or failed), most recently changed first, each with its reason."""
    _check_page(limit, offset)
    conditions = _conditions(session, HOLD_STATES, None, None)
    return await _page(session, conditions, (DocumentRow.updated_at.desc(), DocumentRow.id.desc()), limit, offset)


async def document_with_trail(session: AsyncSession, key: str) -> tuple[DocumentRow, list[AuditEvent]]:
    """One document and every step of its audit trail, oldest first (raw requests and answers included)."""
    from mlconnector.platform.sync.actions import DocumentNotFound

    row = await documents.get_document(session, key=key)
    if row is None:
        raise DocumentNotFound(f"There is no document {key!r} for this organisation.")
    return row, await search_audit(session, document_key=key, limit=TRAIL_LIMIT)
