"""Deferred delivery: a plan's operations become ``pending`` writes, collected by the next Web Connector session.

Idempotent per operation key: an operation already queued, sent or applied is left alone (a customer shared by two
invoices is added once; a re-delivered plan adds nothing). A write that was held or failed is reset to ``pending``
with the new plan's request — that is how a document is retried after its mapping was fixed. Identities are checked
first: nothing that QuickBooks already has is queued again.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from lxml import etree
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.connectors.qbd.models import Write, WriteLink, WriteWaiter
from mlconnector.connectors.qbd.planner import EXISTING
from mlconnector.connectors.qbd.qbxml import validate
from mlconnector.connectors.qbd.writes import repository, states
from mlconnector.platform.plugins import Operation, Outcome, Plan

W = Write.__table__
L = WriteLink.__table__
WW = WriteWaiter.__table__


class PlanRejected(ValueError):
    """A plan whose request no longer validates (it was edited, or built by an older version)."""


def request_element(operation: Operation) -> str:
    """The request element inside the operation's qbXML document, re-validated before it is queued."""
    if not operation.request:
        raise PlanRejected(f"operation {operation.key} carries no qbXML")
    root = etree.fromstring(operation.request.encode("utf-8"))
    messages = root.find("QBXMLMsgsRq")
    requests = [node for node in messages if isinstance(node.tag, str)] if messages is not None else []
    if len(requests) != 1:
        raise PlanRejected(f"operation {operation.key} must carry exactly one request")
    xml = etree.tostring(requests[0], encoding="unicode")
    problems = validate.problems(xml)
    if problems:
        raise PlanRejected(f"operation {operation.key} does not validate against qbXML 13.0: {problems[0]}")
    return xml


def _values(operation: Operation, document_key: str, now: datetime) -> dict[str, Any]:
    summary = operation.summary
    notes = {"summary": {k: v for k, v in summary.items() if k not in ("fills_in", "reconcile_by")}}
    return {
        "document_key": document_key,
        "object_type": operation.object_type,
        "action": operation.action,
        "state": states.PENDING,
        "step": states.WRITE,
        "request": request_element(operation),
        "bindings": list(summary.get("fills_in") or []),
        "min_version": summary.get("qbxml_version") or "1.0",
        "match": dict(summary.get("reconcile_by") or {}),
        "notes": notes,
        "attempt": 0,
        "solo": False,
        "reason_code": None,
        "reason": None,
        "not_before": None,
        "updated_at": now,
    }


def _upsertable(session: AsyncSession, table: Any) -> Any:
    """The dialect's INSERT, which can yield to a row another transaction has just inserted (ON CONFLICT)."""
    if session.bind.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)


def _insert_new(session: AsyncSession) -> Any:
    """An INSERT that yields to a write another transaction has just queued under the same operation key."""
    return _upsertable(session, W)


def _insert_waiter(session: AsyncSession) -> Any:
    return _upsertable(session, WW)


async def enqueue(session: AsyncSession, tenant_id: uuid.UUID, plan: Plan, now: datetime) -> Outcome:
    if plan.holds:
        return Outcome(status="held", holds=plan.holds)
    keys = [operation.key for operation in plan.operations]
    known = await repository.identities(session, tenant_id, keys)
    rows = await session.execute(
        select(W.c.operation_key, W.c.id, W.c.state, W.c.document_key).where(
            W.c.tenant_id == tenant_id, W.c.operation_key.in_(keys)
        )
    )
    existing = {row.operation_key: row for row in rows.all()}
    external_ids = {key: identity.qb_id for key, identity in known.items()}
    queued = 0
    for operation in plan.operations:
        if operation.action == EXISTING or operation.key in known:
            continue
        values = _values(operation, plan.document_key, now)
        if operation.key in existing:
            write = existing[operation.key]
            write_id = write.id
            if write.state not in (states.FAILED, states.HELD):
                if write.document_key == plan.document_key:
                    queued += write.state != states.APPLIED
                else:
                    queued += await _wait_for(session, tenant_id, write_id, plan.document_key, external_ids)
                continue
            values.pop("document_key")
            await session.execute(update(W).where(W.c.tenant_id == tenant_id, W.c.id == write_id).values(**values))
            await session.execute(L.delete().where(L.c.tenant_id == tenant_id, L.c.child_id == write_id))
            if write.document_key != plan.document_key:
                await _wait_for(session, tenant_id, write_id, plan.document_key, external_ids)
        else:
            inserted = await session.execute(
                _insert_new(session)
                .values(tenant_id=tenant_id, operation_key=operation.key, created_at=now, **values)
                .on_conflict_do_nothing(index_elements=["tenant_id", "operation_key"])
                .returning(W.c.id)
            )
            found = inserted.scalar_one_or_none()
            if found is None:  # another document's plan queued the same operation a moment ago (a shared buyer)
                other = await session.execute(
                    select(W.c.id).where(W.c.tenant_id == tenant_id, W.c.operation_key == operation.key)
                )
                queued += await _wait_for(session, tenant_id, other.scalar_one(), plan.document_key, external_ids)
                continue
            write_id = int(found)
        parents = [
            {"tenant_id": tenant_id, "child_id": write_id, "parent_key": parent}
            for parent in dict.fromkeys(operation.depends_on)
        ]
        if parents:  # a re-queued write's old links went above; a new one has none
            await session.execute(L.insert(), parents)
        queued += 1
    if queued == 0:
        return Outcome(status="posted", external_ids=external_ids)
    return Outcome(status="deferred", external_ids=external_ids)


async def _wait_for(
    session: AsyncSession, tenant_id: uuid.UUID, write_id: int, document_key: str, external_ids: dict[str, str]
) -> int:
    """``document_key`` needs write ``write_id``, which another document queued: register it as a waiter, so it is
    told the outcome when that write finishes (otherwise it would stay queued for ever). Returns 1 while the write
    can still move, 0 when it already ended (its id, if applied, goes into ``external_ids``).

    The write's row is locked (shared) first: an answer finishing it either commits before — and its final state is
    read here — or waits for this transaction, and then finds the waiter."""
    write = (
        await session.execute(
            select(W.c.operation_key, W.c.state, W.c.result_id)
            .where(W.c.tenant_id == tenant_id, W.c.id == write_id)
            .with_for_update(read=True)
        )
    ).one()
    if write.state == states.APPLIED:
        if write.result_id:
            external_ids[write.operation_key] = write.result_id
        return 0
    await session.execute(
        _insert_waiter(session)
        .values(tenant_id=tenant_id, write_id=write_id, document_key=document_key)
        .on_conflict_do_nothing(index_elements=["tenant_id", "write_id", "document_key"])
    )
    return 1
