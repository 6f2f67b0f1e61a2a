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

from mlconnector.connectors.qbd.models import Write, WriteLink
from mlconnector.connectors.qbd.planner import EXISTING
from mlconnector.connectors.qbd.qbxml import validate
from mlconnector.connectors.qbd.writes import repository, states
from mlconnector.platform.plugins import Operation, Outcome, Plan

W = Write.__table__
L = WriteLink.__table__


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


def _insert_new(session: AsyncSession) -> Any:
    """An INSERT that yields to a write another transaction has just queued under the same operation key."""
    if session.bind.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(W)


async def enqueue(session: AsyncSession, tenant_id: uuid.UUID, plan: Plan, now: datetime) -> Outcome:
    if plan.holds:
        return Outcome(status="held", holds=plan.holds)
    keys = [operation.key for operation in plan.operations]
    known = await repository.identities(session, tenant_id, keys)
    rows = await session.execute(
        select(W.c.operation_key, W.c.id, W.c.state).where(W.c.tenant_id == tenant_id, W.c.operation_key.in_(keys))
    )
    existing = {row.operation_key: (row.id, row.state) for row in rows.all()}
    external_ids = {key: identity.qb_id for key, identity in known.items()}
    queued = 0
    for operation in plan.operations:
        if operation.action == EXISTING or operation.key in known:
            continue
        values = _values(operation, plan.document_key, now)
        if operation.key in existing:
            write_id, state = existing[operation.key]
            if state not in (states.FAILED, states.HELD):
                queued += state != states.APPLIED
                continue
            values.pop("document_key")
            await session.execute(update(W).where(W.c.tenant_id == tenant_id, W.c.id == write_id).values(**values))
            await session.execute(L.delete().where(L.c.tenant_id == tenant_id, L.c.child_id == write_id))
        else:
            inserted = await session.execute(
                _insert_new(session)
                .values(tenant_id=tenant_id, operation_key=operation.key, created_at=now, **values)
                .on_conflict_do_nothing(index_elements=["tenant_id", "operation_key"])
                .returning(W.c.id)
            )
            found = inserted.scalar_one_or_none()
            if found is None:  # another document's plan queued the same operation a moment ago (a shared buyer)
                queued += 1
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
