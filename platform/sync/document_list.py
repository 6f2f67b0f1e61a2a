"""Finding documents for the dashboard and the API: a filtered, counted page, the holds, and one document with
its audit trail. Every query leads with ``tenant_id`` and a column of one of the documents indexes (migration
0004 added those the lists need at 100k documents)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select
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


def _filtered(
    session: AsyncSession, states: tuple[str, ...] | None, number: str | None, type_: str | None
) -> Select[tuple[DocumentRow]]:
    statement = select(DocumentRow).where(DocumentRow.tenant_id == tenancy.require_tenant(session.sync_session))
    if states:
        unknown = [state for state in states if state not in documents.STATES]
        if unknown:
            raise InvalidInput(("state", f"use one of {', '.join(documents.STATES)}."), status_code=400)
        statement = statement.where(DocumentRow.state.in_(states))
    if number:
        statement = statement.where(or_(DocumentRow.number == number, DocumentRow.order_number == number))
    if type_:
        statement = statement.where(DocumentRow.type == type_)
    return statement


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
    statement = _filtered(session, states, number, type_)
    total = (await session.execute(select(func.count()).select_from(statement.subquery()))).scalar_one()
    page = statement.order_by(DocumentRow.created_at.desc(), DocumentRow.id.desc()).limit(limit).offset(offset)
    return DocumentPage(list((await session.execute(page)).scalars()), total)


async def list_holds(session: AsyncSession, *, limit: int = 50, offset: int = 0) -> DocumentPage:
    """Documents that need a person (held or failed), most recently changed first, each with its reason."""
    _check_page(limit, offset)
    statement = _filtered(session, HOLD_STATES, None, None)
    total = (await session.execute(select(func.count()).select_from(statement.subquery()))).scalar_one()
    page = statement.order_by(DocumentRow.updated_at.desc(), DocumentRow.id.desc()).limit(limit).offset(offset)
    return DocumentPage(list((await session.execute(page)).scalars()), total)


async def document_with_trail(session: AsyncSession, key: str) -> tuple[DocumentRow, list[AuditEvent]]:
    """One document and every step of its audit trail, oldest first (raw requests and answers included)."""
    from mlconnector.platform.sync.actions import DocumentNotFound

    row = await documents.get_document(session, key=key)
    if row is None:
        raise DocumentNotFound(f"There is no document {key!r} for this organisation.")
    return row, await search_audit(session, document_key=key, limit=TRAIL_LIMIT)
