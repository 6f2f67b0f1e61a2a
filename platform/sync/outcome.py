"""Applying a sink's outcome to a document: the one place a document becomes posted, queued, held or failed."""

from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation

from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.platform.db.types import utcnow
from mlconnector.platform.jobs.queue import enqueue
from mlconnector.platform.plugins.plan import Outcome
from mlconnector.platform.sync import documents
from mlconnector.platform.sync.audit import record_audit
from mlconnector.platform.sync.models import DocumentRow

POST_JOB = "sync.post"


async def queue_post(session: AsyncSession, row: DocumentRow, *, force: bool = False, after: str | None = None) -> None:
    """Queue the posting job for this revision of the document, once per revision (the dedup key names it) —
    or once more when a person forces it, or when the document it waited ``after`` is posted."""
    await queue_revision(session, row.tenant_id, row.id, row.revision, force=force, after=after)


async def queue_revision(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    document_id: uuid.UUID,
    revision: int,
    *,
    force: bool = False,
    after: str | None = None,
) -> None:
    """:func:`queue_post` by id and revision, for a caller that has no row loaded (a page of records just read)."""
    suffix = f":force:{utcnow().timestamp()}" if force else (f":after:{after}" if after else "")
    await enqueue(
        session,
        POST_JOB,
        payload={"document_id": str(document_id), "revision": revision, "force": force},
        tenant_id=tenant_id,
        dedup_key=f"post:{document_id}:{revision}{suffix}",
    )


def _variance(row: DocumentRow, totals: dict[str, str]) -> str | None:
    if row.grand_total is None or "total" not in totals:
        return None
    try:
        difference = Decimal(totals["total"]) - row.grand_total
    except InvalidOperation:
        return None
    return None if difference == 0 else f"{difference:+.2f}"


def _exchanged(outcome: Outcome) -> dict[str, str | None]:
    """The requests and the raw answers behind an outcome, for its audit step (each headed by what it carried out)."""
    if not outcome.exchanges:
        return {}
    requests = "\n".join(f"<!-- {e.subject} -->\n{e.request}" for e in outcome.exchanges)
    answers = [f"<!-- {e.subject} -->\n{e.response}" for e in outcome.exchanges if e.response]
    return {"request": requests, "response": "\n".join(answers) or None}


async def apply_outcome(session: AsyncSession, row: DocumentRow, outcome: Outcome, *, actor: str = "system") -> None:
    audit = {"document_key": row.key, "number": row.number, "order_number": row.order_number, "actor": actor}
    audit |= _exchanged(outcome)
    variance = _variance(row, dict(outcome.totals)) if outcome.status == "posted" else None
    if variance is not None:
        reason = (
            f"The books total {outcome.totals['total']} for {row.number or row.key}, the store {row.grand_total:.2f} "
            f"({variance}). It is in QuickBooks; correct it there, then skip this."
        )
        await documents.set_state(
            session,
            row,
            documents.HELD,
            hold_code="total_mismatch",
            hold_reason=reason,
            hold_subject=None,
            external_ids=dict(outcome.external_ids),
            sink_totals=dict(outcome.totals),
            posted_at=utcnow(),
        )
        await record_audit(
            session,
            action="held",
            sink_ids=outcome.external_ids,
            detail={"holds": [reason], "totals": outcome.totals},
            **audit,
        )
    elif outcome.status == "posted":
        await documents.set_state(
            session,
            row,
            documents.POSTED,
            external_ids=dict(outcome.external_ids),
            sink_totals=dict(outcome.totals),
            posted_at=utcnow(),
        )
        await record_audit(
            session,
            action="posted",
            sink_ids=outcome.external_ids,
            detail={"totals": outcome.totals, "variance": _variance(row, dict(outcome.totals))},
            **audit,
        )
        for waiter in await documents.waiting_on(session, row.key):
            await documents.set_state(session, waiter, documents.PENDING)
            await queue_post(session, waiter, after=row.key)
    elif outcome.status == "deferred":
        await documents.set_state(session, row, documents.QUEUED)
        await record_audit(session, action="queued", **audit)
    elif outcome.status == "held":
        hold = outcome.holds[0] if outcome.holds else None
        await documents.set_state(
            session,
            row,
            documents.HELD,
            hold_code=hold.code if hold else "held",
            hold_reason=hold.reason if hold else (outcome.error or "Held by the sink."),
            hold_subject=hold.subject if hold else None,
            external_ids={**row.external_ids, **outcome.external_ids},
            sink_totals=dict(outcome.totals) or row.sink_totals,
        )
        await record_audit(
            session,
            action="held",
            detail={"holds": [h.reason for h in outcome.holds] or [outcome.error]},
            sink_ids=outcome.external_ids,
            **audit,
        )
    else:
        await documents.set_state(
            session,
            row,
            documents.FAILED,
            hold_code="failed",
            hold_reason=outcome.error or "The sink rejected it.",
            hold_subject=None,
        )
        await record_audit(session, action="failed", detail={"error": outcome.error}, **audit)
