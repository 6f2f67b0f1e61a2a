"""One exchange of the write state machine, inside the tenant's transaction: pick and mark what goes out
(sendRequestXML), and record what came back (receiveResponseXML) — decisions, identities, list entries, holds on
dependents, and the outcome of every document whose writes are all settled, reported to the core in the same
transaction that records QuickBooks' answer.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from lxml import etree
from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.connectors.qbd.qbxml.envelope import document
from mlconnector.connectors.qbd.qbxml.responses import Answer
from mlconnector.connectors.qbd.qbxml.totals import document_totals
from mlconnector.connectors.qbd.session import repository as sessions
from mlconnector.connectors.qbd.writes import repository as writes
from mlconnector.connectors.qbd.writes import states
from mlconnector.connectors.qbd.writes.decide import Decision, WriteView, decide, rejected_message_set
from mlconnector.connectors.qbd.writes.outgoing import CannotSend, Pending, elements_for
from mlconnector.platform.plugins import Exchange, Hold, Outcome, release_holds, report_outcomes

SINK = "qbd"


@dataclass(frozen=True, slots=True)
class Outgoing:
    qbxml: str
    count: int


HOLDS_A_LIST_RELEASES = {
    "Item": ("unmapped_sku", "unknown_item"),
    "PaymentMethod": ("unmapped_payment_method",),
}
"""When QuickBooks' list of this kind has been read again, documents held for these reasons are planned again."""


def _batch(picked: list[Pending]) -> list[Pending]:
    """A write that failed inside a rejected batch goes alone; the others go together (up to the batch size)."""
    if not picked:
        return []
    if picked[0].solo:
        return picked[:1]
    batch = []
    for write in picked:
        if write.solo:
            break
        batch.append(write)
    return batch


async def send(
    session: AsyncSession, tenant_id: uuid.UUID, ticket_id: uuid.UUID, now: datetime, *, version: str, batch_size: int
) -> Outgoing | None:
    """Pick the next writes, commit them as ``sent`` (the caller's transaction), and return the qbXML to hand out."""
    picked = _batch(await writes.pick(session, tenant_id, now, batch_size))
    if not picked:
        return None
    keys = [binding["key"] for write in picked for binding in write.bindings]
    ids = await writes.identity_ids(session, tenant_id, keys) if keys else {}
    elements: list[etree._Element] = []
    rows = []
    unsendable: list[tuple[WriteView, str, Decision]] = []
    for write in picked:
        attempt = write.attempt + 1
        try:
            parts = elements_for(write, attempt, version, ids)
        except CannotSend as error:
            view = WriteView(
                write.id,
                write.operation_key,
                write.object_type,
                write.action,
                write.step,
                write.request,
                write.match,
                write.attempt,
            )
            held = Decision(state=states.HELD, reason_code="cannot_send", reason=str(error))
            unsendable.append((view, write.document_key, held))
            continue
        elements.extend(parts)
        exact = "".join(etree.tostring(part, encoding="unicode") for part in parts)
        rows.append(
            {
                "b_id": write.id,
                "b_state": write.state,
                "b_step": write.step,
                "b_attempt": attempt,
                "b_version": version,
                "b_request": exact,
            }
        )
    if unsendable:
        await record(session, tenant_id, now, unsendable)
    if not rows:
        return None
    await writes.mark_sent(session, tenant_id, ticket_id, now, rows)
    return Outgoing(qbxml=document(elements, version=version), count=len(rows))


def group_answers(answers: Sequence[Answer]) -> dict[tuple[int, int], list[Answer]]:
    """Answers by (write id, attempt); answers without one of our attempt ids are ignored (and kept in the log)."""
    grouped: dict[tuple[int, int], list[Answer]] = defaultdict(list)
    for answer in answers:
        parsed = states.parse_request_id(answer.request_id)
        if parsed is not None:
            grouped[(parsed[0], parsed[1])].append(answer)
    return grouped


async def receive(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    ticket_id: uuid.UUID,
    now: datetime,
    *,
    answers: Sequence[Answer] | None,
    hresult: str,
    message: str,
) -> None:
    """Decide every write sent under this ticket and record the decisions."""
    sent = await writes.sent_under(session, tenant_id, ticket_id)
    decided: list[tuple[WriteView, str, Decision]] = []
    if hresult:
        for view, document_key in sent:
            decided.append((view, document_key, rejected_message_set(view, hresult, message, len(sent))))
    elif answers is None:
        for view, document_key in sent:
            doubt = Decision(state=states.IN_DOUBT, step=_doubt_step(view), reason="QuickBooks' answer was unreadable")
            decided.append((view, document_key, doubt))
    else:
        decided = await _decide_all(session, tenant_id, sent, group_answers(answers))
    await record(session, tenant_id, now, decided)


async def _decide_all(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    sent: Sequence[tuple[WriteView, str]],
    grouped: Mapping[tuple[int, int], list[Answer]],
) -> list[tuple[WriteView, str, Decision]]:
    """Each write's decision. Customers being renamed share one growing set of names taken by our own writes, so
    namesakes answered in the same exchange (or still waiting) never all pick the same free ``Base (n)``."""
    bases = [view.match.get("base_name") or view.match["name"] for view, _ in sent if view.step == states.NAMES]
    claimed = await writes.customer_names_in_flight(session, tenant_id, bases)  # no query when nothing is renamed
    decided = []
    for view, document_key in sent:
        decision = decide(view, grouped.get((view.id, view.attempt), []), claimed=frozenset(claimed))
        if view.step == states.NAMES and decision.match is not None and decision.match.get("name"):
            claimed.add(decision.match["name"])
        decided.append((view, document_key, decision))
    return decided


def _doubt_step(view: WriteView) -> str:
    return {"add": states.RECONCILE, "mod": states.REFRESH}.get(view.action, states.WRITE)


async def record(
    session: AsyncSession, tenant_id: uuid.UUID, now: datetime, decided: Sequence[tuple[WriteView, str, Decision]]
) -> None:
    if not decided:
        return
    rows, identities, forget, parents_lost = [], [], [], {}
    finished_documents: set[str] = set()
    finished_writes: set[int] = set()
    for view, document_key, decision in decided:
        if decision.state == states.IN_DOUBT and view.action == "query":
            decision.state, decision.step = states.PENDING, states.WRITE
        rows.append(
            {
                "b_id": view.id,
                "b_state": decision.state,
                "b_step": decision.step,
                "b_status_code": decision.status_code,
                "b_status_message": decision.status_message,
                "b_response": decision.response,
                "b_result_id": decision.result_id,
                "b_edit_sequence": decision.edit_sequence,
                "b_reason_code": decision.reason_code,
                "b_reason": decision.reason,
                "b_request": decision.request,
                "b_match": decision.match,
                "b_solo": decision.solo,
                "b_not_before": writes.retry_time(now, decision.retry_after),
            }
        )
        if decision.identity is not None:
            identities.append(decision.identity)
        if decision.forget_identity:
            forget.append(decision.forget_identity)
        if decision.catalog:
            await writes.store_catalog(session, tenant_id, now, decision.catalog)
        if decision.catalog_done:
            started = view.match.get("started_at")
            if started:
                await writes.prune_catalog(session, tenant_id, decision.catalog_done, datetime.fromisoformat(started))
            if decision.catalog_done in HOLDS_A_LIST_RELEASES:  # documents that waited for this list plan again
                await release_holds(session, codes=HOLDS_A_LIST_RELEASES[decision.catalog_done])
        if decision.closing_date is not None:
            closing = date.fromisoformat(decision.closing_date) if decision.closing_date else None
            await sessions.update_connection(session, tenant_id, closing_date=closing)
        if decision.state in (states.FAILED, states.HELD):
            parents_lost[view.operation_key] = decision.reason or "rejected"
        if decision.state in states.TERMINAL:
            finished_documents.add(document_key)
            finished_writes.add(view.id)
    await writes.apply(session, tenant_id, now, rows)
    await writes.forget_identities(session, tenant_id, forget)
    await writes.upsert_identities(session, tenant_id, now, identities)
    if parents_lost:
        held_documents, held_writes = await writes.hold_dependents(session, tenant_id, now, parents_lost)
        finished_documents |= held_documents
        finished_writes |= held_writes
    # documents waiting on a write another document queued (a buyer on their invoice's CustomerAdd) finish with it
    finished_documents |= await writes.waiting_documents(session, tenant_id, finished_writes)
    await report_finished(session, tenant_id, finished_documents)


def outcome_of(rows: list) -> Outcome | None:
    """The document's outcome once none of its writes can move on by itself; ``None`` while one still can."""
    if any(row.state not in states.TERMINAL for row in rows):
        return None
    ids = {row.operation_key: row.result_id for row in rows if row.result_id}
    sent = tuple(
        Exchange(subject=row.operation_key, request=row.sent_request, response=row.response)
        for row in rows
        if row.sent_request
    )
    failed = [row for row in rows if row.state == states.FAILED]
    if failed:
        error = "; ".join(row.reason or f"QuickBooks rejected {row.operation_key}" for row in failed)
        return Outcome(status="failed", external_ids=ids, error=error, exchanges=sent)
    held = [row for row in rows if row.state == states.HELD]
    if held:
        holds = tuple(
            Hold(code=row.reason_code or "held", reason=row.reason or "Needs attention", subject=row.operation_key)
            for row in held
        )
        return Outcome(status="held", external_ids=ids, holds=holds, totals=document_totals(rows), exchanges=sent)
    return Outcome(status="posted", external_ids=ids, totals=document_totals(rows), exchanges=sent)


async def report_finished(session: AsyncSession, tenant_id: uuid.UUID, document_keys: set[str]) -> None:
    """Tell the core how each finished document ended, in the transaction that recorded QuickBooks' answer."""
    keys = {key for key in document_keys if key and not key.startswith(states.INTERNAL_PREFIX)}
    if not keys:
        return
    outcomes = {}
    for key, rows in (await writes.document_writes(session, tenant_id, keys)).items():
        outcome = outcome_of(rows)
        if outcome is not None:
            outcomes[key] = outcome
    await report_outcomes(session, sink=SINK, outcomes=outcomes)
