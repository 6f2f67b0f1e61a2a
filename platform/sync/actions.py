"""What a person can do to a document that needs attention: retry it, skip it, or re-plan it."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.platform.db import tenancy
from mlconnector.platform.errors import MlcError
from mlconnector.platform.jobs.context import JobContext
from mlconnector.platform.jobs.queue import enqueue
from mlconnector.platform.sync import documents, planning_lock
from mlconnector.platform.sync.audit import record_audit
from mlconnector.platform.sync.models import DocumentRow
from mlconnector.platform.sync.outcome import queue_post

ACTIONABLE = frozenset({documents.HELD, documents.FAILED, documents.WAITING, documents.PENDING})


class DocumentNotFound(MlcError):
    status_code = 404


class NotActionable(MlcError):
    status_code = 409


async def _find(session: AsyncSession, key: str) -> DocumentRow:
    row = await documents.get_document(session, key=key)
    if row is None:
        raise DocumentNotFound(f"There is no document {key!r} for this tenant.")
    return row


async def retry(session: AsyncSession, key: str, *, actor: str) -> DocumentRow:
    """Plan and post again (after fixing a mapping or a setting)."""
    row = await _find(session, key)
    if row.state not in ACTIONABLE:
        raise NotActionable(f"{key} is {row.state}; only held, failed, waiting or pending documents can be retried.")
    await documents.set_state(session, row, documents.PENDING)
    await record_audit(
        session, action="retried", document_key=row.key, number=row.number, order_number=row.order_number, actor=actor
    )
    await queue_post(session, row, force=True)
    return row


async def skip(session: AsyncSession, key: str, *, actor: str, reason: str = "") -> DocumentRow:
    """Decide not to post a document (it stays in the records and the audit trail, marked skipped)."""
    row = await _find(session, key)
    if row.state not in ACTIONABLE:
        raise NotActionable(f"{key} is {row.state}; only held, failed, waiting or pending documents can be skipped.")
    await documents.set_state(session, row, documents.SKIPPED)
    await record_audit(
        session,
        action="skipped",
        document_key=row.key,
        number=row.number,
        order_number=row.order_number,
        actor=actor,
        detail={"reason": reason},
    )
    return row


async def replan(session: AsyncSession, key: str, *, actor: str) -> DocumentRow:
    """Re-plan a document whatever its state short of posted (for example after settings changed)."""
    row = await _find(session, key)
    if row.state in documents.FINAL or row.state == documents.QUEUED:
        raise NotActionable(f"{key} is {row.state}; a posted, skipped or queued document is not re-planned.")
    return await retry(session, key, actor=actor) if row.state in ACTIONABLE else row


async def retry_held(
    session: AsyncSession, *, actor: str, code: str | Sequence[str] | None = None, subject: str | None = None
) -> int:
    """Retry every held document with this hold ``code`` (or any of several) and/or ``subject`` (after mapping a
    SKU, connecting the books, or the books' lists arriving). Returns how many were queued.

    Waits for the tenant's planners in flight first (see :mod:`planning_lock`), so a hold made from the old
    mapping a moment ago is released too."""
    await planning_lock.releasing(session)
    statement = select(DocumentRow.key).where(
        DocumentRow.tenant_id == tenancy.require_tenant(session.sync_session), DocumentRow.state == documents.HELD
    )
    if isinstance(code, str):
        statement = statement.where(DocumentRow.hold_code == code)
    elif code is not None:
        statement = statement.where(DocumentRow.hold_code.in_(list(code)))
    if subject is not None:
        statement = statement.where(DocumentRow.hold_subject == subject)
    keys = list((await session.execute(statement)).scalars())
    for key in keys:
        await retry(session, key, actor=actor)
    return len(keys)


RELEASE_JOB = "sync.release_holds"


async def release_holds(session: AsyncSession, *, codes: Sequence[str], subject: str | None = None) -> None:
    """For sinks: plan again every document held with one of ``codes`` — when what they waited for has arrived
    (QuickBooks' item list was read, so a SKU may now match an item).

    Queued in the caller's transaction and done by a job right after it commits: the release must wait for the
    tenant's planners in flight, and a sink's transaction (a Web Connector exchange) must not wait on them."""
    await enqueue(session, RELEASE_JOB, payload={"codes": list(codes), "subject": subject})


async def release_held_documents(context: JobContext) -> None:
    """The ``sync.release_holds`` job."""
    payload = context.payload
    await retry_held(context.session, actor="system", code=list(payload["codes"]), subject=payload.get("subject"))
