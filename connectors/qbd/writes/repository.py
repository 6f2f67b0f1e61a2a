"""SQL for writes, their links, identities, raw responses and the list catalog. Every statement filters by tenant.

The SOAP hot path uses a handful of single statements: :func:`pick` and :func:`mark_sent` for sendRequestXML;
:func:`sent_under`, :func:`apply`, :func:`progress` for receiveResponseXML.
"""

from __future__ import annotations

import functools
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    Integer,
    and_,
    bindparam,
    case,
    delete,
    exists,
    func,
    literal_column,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.connectors.qbd import statements as sql
from mlconnector.connectors.qbd.models import CatalogEntry, Identity, ResponseLog, Write, WriteLink, WriteWaiter
from mlconnector.connectors.qbd.naming import namesake_prefix
from mlconnector.connectors.qbd.qbxml.item import item_query
from mlconnector.connectors.qbd.writes import states
from mlconnector.connectors.qbd.writes.decide import CatalogRow, IdentityUpdate, WriteView
from mlconnector.connectors.qbd.writes.outgoing import Pending

W = Write.__table__
L = WriteLink.__table__
WW = WriteWaiter.__table__
I = Identity.__table__  # noqa: E741 - the identities table
R = ResponseLog.__table__
C = CatalogEntry.__table__
_PARENT = W.alias("parent")
ITEM_LISTING_START = item_query(iterator="Start").xml
_NULLABLE_JSON = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")
"""Python ``None`` binds as SQL NULL (so ``coalesce`` keeps the stored value), not as the JSON ``null``."""


def _upsert(session: AsyncSession, table: Any) -> Any:
    if session.bind.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)


def _blocked() -> Any:
    """A write waits while any write it depends on is not applied."""
    parent_open = exists().where(
        _PARENT.c.tenant_id == L.c.tenant_id, _PARENT.c.operation_key == L.c.parent_key, _PARENT.c.state != "applied"
    )
    return exists().where(L.c.tenant_id == W.c.tenant_id, L.c.child_id == W.c.id, parent_open)


def _state_in(in_states: Sequence[str]) -> Any:
    """States are the module's own constants, written into the SQL: no expanding parameter to process per call."""
    return or_(*(W.c.state == literal_column(f"'{state}'") for state in in_states))


def _due(tenant_id: Any, now: Any, in_states: Sequence[str] = states.SENDABLE) -> Any:
    return and_(
        W.c.tenant_id == tenant_id,
        _state_in(in_states),
        or_(W.c.not_before.is_(None), W.c.not_before <= now),
    )


_PICKED = (
    W.c.id,
    W.c.state,
    W.c.step,
    W.c.object_type,
    W.c.action,
    W.c.request,
    W.c.bindings,
    W.c.min_version,
    W.c.match,
    W.c.attempt,
    W.c.solo,
    W.c.operation_key,
    W.c.document_key,
)
_TENANT, _NOW, _LIMIT = bindparam("tenant_id"), bindparam("now"), bindparam("limit", type_=Integer)
_B_TENANT, _B_NOW = bindparam("b_tenant"), bindparam("b_now")
"""Parameters of the prebuilt INSERT/UPDATE statements are prefixed: SQLAlchemy keeps column names for itself."""


def _next_in(state: str) -> Any:
    return (
        select(*_PICKED)
        .where(_due(_TENANT, _NOW, (state,)), ~_blocked())
        .order_by(W.c.id)
        .limit(_LIMIT)
        .subquery()
        .select()
    )


_PICK = union_all(_next_in(states.IN_DOUBT), _next_in(states.PENDING))
"""Built once (the SOAP hot path pays no statement construction). One query per state inside one UNION ALL, each
walking the (tenant, state, id) index and stopping after ``limit`` sendable writes, so an exchange costs the same with
10 or 30,000 writes waiting (one query ordered over both states sorted the whole backlog on every exchange)."""

WAITING_COUNTED_UP_TO = 1000
"""An exchange counts the writes still to go only this far: the session's own count at its start covers the rest."""

_PROGRESS = select(
    select(func.count())
    .select_from(select(W.c.id).where(_due(_TENANT, _NOW)).limit(_LIMIT).subquery())
    .scalar_subquery(),
    exists().where(_due(_TENANT, _NOW), ~_blocked()),
)
_DUE_COUNT = select(func.count()).where(_due(_TENANT, _NOW))
_HAS_WORK = select(W.c.id).where(_due(_TENANT, _NOW), ~_blocked()).limit(1)


async def pick(session: AsyncSession, tenant_id: uuid.UUID, now: datetime, limit: int) -> list[Pending]:
    """The next writes to send: in-doubt ones first (reconciled before anything else goes), then oldest first."""
    rows = (await sql.run(session, _PICK, {"tenant_id": tenant_id, "now": now, "limit": limit})).all()
    doubt = sorted((row for row in rows if row.state == states.IN_DOUBT), key=lambda row: row.id)
    pending = sorted((row for row in rows if row.state != states.IN_DOUBT), key=lambda row: row.id)
    return [Pending(*row) for row in [*doubt, *pending][:limit]]


async def progress(session: AsyncSession, tenant_id: uuid.UUID, now: datetime) -> tuple[int, int]:
    """``(waiting, ready)``: writes still to go, counted up to :data:`WAITING_COUNTED_UP_TO`, and whether any of them
    could go right now (1 or 0).

    Counting the whole backlog on every exchange made an exchange's cost grow with it (26,000 writes waiting: a fifth
    to a half of the database's busy time); :func:`due_count` counts it once, when the session starts."""
    values = {"tenant_id": tenant_id, "now": now, "limit": WAITING_COUNTED_UP_TO}
    waiting, ready = (await sql.run(session, _PROGRESS, values)).one()
    return int(waiting), int(bool(ready))


async def due_count(session: AsyncSession, tenant_id: uuid.UUID, now: datetime) -> int:
    """Every write due now, ready or waiting for another: what a session starting now has to get through."""
    return int((await sql.run(session, _DUE_COUNT, {"tenant_id": tenant_id, "now": now})).scalar_one())


async def has_work(session: AsyncSession, tenant_id: uuid.UUID, now: datetime) -> bool:
    return (await sql.run(session, _HAS_WORK, {"tenant_id": tenant_id, "now": now})).first() is not None


async def customer_names_in_flight(session: AsyncSession, tenant_id: uuid.UUID, bases: Iterable[str]) -> set[str]:
    """The Names of every CustomerAdd not yet settled (waiting, sent or in doubt) that a customer renamed from one of
    ``bases`` could pick: names our own writes are about to take, which it must leave to them.

    Only the bases' namesakes are read (QuickBooks compares names without case): reading every name in flight
    decoded thousands of rows on each renaming exchange of a large backlog."""
    name = W.c.match["name"].as_string()
    prefixes = sorted({namesake_prefix(base) for base in bases})
    if not prefixes:
        return set()
    statement = select(name).where(
        W.c.tenant_id == tenant_id,
        W.c.object_type == "Customer",
        W.c.action == "add",
        W.c.state.in_((states.PENDING, states.SENT, states.IN_DOUBT)),
        or_(*(name.ilike(_escaped(prefix) + "%", escape="\\") for prefix in prefixes)),
    )
    return {found for (found,) in (await session.execute(statement)).all() if found}


def _escaped(text: str) -> str:
    """``text`` taken literally by LIKE."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def identity_ids(session: AsyncSession, tenant_id: uuid.UUID, keys: Iterable[str]) -> dict[str, str]:
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    return dict((await sql.run(session, _IDENTITY_IDS, {"tenant_id": tenant_id, "keys": wanted})).all())


_IDENTITY_IDS = select(I.c.key, I.c.qb_id).where(
    I.c.tenant_id == _TENANT, I.c.key.in_(bindparam("keys", expanding=True))
)


async def mark_sent(
    session: AsyncSession, tenant_id: uuid.UUID, ticket_id: uuid.UUID, now: datetime, rows: Sequence[Mapping[str, Any]]
) -> None:
    """Commit ``sent`` (attempt, ticket, exact request) for each row before the request leaves (NOTES.md 4.2)."""
    if not rows:
        return
    common = {"b_tenant": tenant_id, "b_ticket": ticket_id, "b_now": now}
    await sql.run(session, _MARK_SENT, [{**common, **row} for row in rows])


_MARK_SENT = (
    update(W)
    .where(W.c.tenant_id == _B_TENANT, W.c.id == bindparam("b_id"), W.c.state == bindparam("b_state"))
    .values(
        state=states.SENT,
        step=bindparam("b_step"),
        attempt=bindparam("b_attempt"),
        ticket_id=bindparam("b_ticket"),
        sent_at=_B_NOW,
        sent_version=bindparam("b_version"),
        sent_request=bindparam("b_request"),
        updated_at=_B_NOW,
    )
)


async def sent_under(session: AsyncSession, tenant_id: uuid.UUID, ticket_id: uuid.UUID) -> list[tuple[WriteView, str]]:
    """The writes out under this ticket, with their document keys."""
    rows = (await sql.run(session, _SENT_UNDER, {"tenant_id": tenant_id, "ticket_id": ticket_id})).all()
    return [(WriteView(*row[:10]), row[10]) for row in rows]


_SENT_UNDER = select(
    W.c.id,
    W.c.operation_key,
    W.c.object_type,
    W.c.action,
    W.c.step,
    W.c.request,
    W.c.match,
    W.c.attempt,
    W.c.sent_version,
    W.c.solo,
    W.c.document_key,
).where(
    W.c.tenant_id == _TENANT, W.c.ticket_id == bindparam("ticket_id"), W.c.state == literal_column(f"'{states.SENT}'")
)


async def apply(session: AsyncSession, tenant_id: uuid.UUID, now: datetime, rows: Sequence[Mapping[str, Any]]) -> None:
    """Record decisions: ``b_id`` plus every column below (``None`` request/match keep the current one)."""
    if not rows:
        return
    common = {"b_tenant": tenant_id, "b_now": now}
    await sql.run(session, _APPLY, [{**common, **row} for row in rows])


_APPLY = (
    update(W)
    .where(W.c.tenant_id == _B_TENANT, W.c.id == bindparam("b_id"))
    .values(
        state=bindparam("b_state"),
        step=bindparam("b_step"),
        status_code=bindparam("b_status_code"),
        status_message=bindparam("b_status_message"),
        response=func.coalesce(bindparam("b_response"), W.c.response),
        result_id=func.coalesce(bindparam("b_result_id"), W.c.result_id),
        edit_sequence=func.coalesce(bindparam("b_edit_sequence"), W.c.edit_sequence),
        reason_code=bindparam("b_reason_code"),
        reason=bindparam("b_reason"),
        request=func.coalesce(bindparam("b_request"), W.c.request),
        match=func.coalesce(bindparam("b_match", type_=_NULLABLE_JSON), W.c.match),
        solo=func.coalesce(bindparam("b_solo"), W.c.solo),
        not_before=bindparam("b_not_before"),
        updated_at=_B_NOW,
    )
)


async def upsert_identities(
    session: AsyncSession, tenant_id: uuid.UUID, now: datetime, identities: Sequence[IdentityUpdate]
) -> None:
    """Insert or refresh the Commerce key ↔ QuickBooks id rows (one statement for the whole exchange)."""
    if not identities:
        return
    rows = [
        {
            "b_tenant": tenant_id,
            "b_now": now,
            "b_key": i.key,
            **{f"b_{column}": getattr(i, column) for column in _IDENTITY_COLUMNS},
        }
        for i in identities
    ]
    await sql.run(session, _identity_upsert(session.bind.dialect.name), rows)


_IDENTITY_COLUMNS = ("object_type", "qb_id", "edit_sequence", "ref_number", "name", "external_guid", "content_hash")


@functools.cache
def _identity_upsert(dialect: str) -> Any:
    """Built once per dialect: insert or refresh one identity per row of the executemany."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(I).values(
        tenant_id=_B_TENANT,
        key=bindparam("b_key"),
        created_at=_B_NOW,
        updated_at=_B_NOW,
        **{column: bindparam(f"b_{column}") for column in _IDENTITY_COLUMNS},
    )
    excluded = statement.excluded
    return statement.on_conflict_do_update(
        index_elements=["tenant_id", "key"],
        set_={**{column: getattr(excluded, column) for column in _IDENTITY_COLUMNS}, "updated_at": excluded.updated_at},
    )


async def forget_identities(session: AsyncSession, tenant_id: uuid.UUID, keys: Sequence[str]) -> None:
    if keys:
        await session.execute(delete(I).where(I.c.tenant_id == tenant_id, I.c.key.in_(list(keys))))


async def identities(session: AsyncSession, tenant_id: uuid.UUID, keys: Iterable[str]) -> dict[str, Identity]:
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    rows = await session.execute(select(Identity).where(Identity.tenant_id == tenant_id, Identity.key.in_(wanted)))
    return {row.key: row for row in rows.scalars()}


async def store_catalog(session: AsyncSession, tenant_id: uuid.UUID, now: datetime, rows: Sequence[CatalogRow]) -> None:
    for row in rows:
        values = {"full_name": row.full_name, "name": row.name, "subtype": row.subtype}
        values |= {"is_active": row.is_active, "refreshed_at": now}
        statement = _upsert(session, C).values(
            tenant_id=tenant_id, list_type=row.list_type, list_id=row.list_id, **values
        )
        await session.execute(
            statement.on_conflict_do_update(index_elements=["tenant_id", "list_type", "list_id"], set_=values)
        )


async def prune_catalog(session: AsyncSession, tenant_id: uuid.UUID, list_type: str, seen_since: datetime) -> None:
    """After a complete listing: forget entries QuickBooks no longer has."""
    await session.execute(
        delete(C).where(C.c.tenant_id == tenant_id, C.c.list_type == list_type, C.c.refreshed_at < seen_since)
    )


async def catalog(session: AsyncSession, tenant_id: uuid.UUID, list_type: str) -> list[CatalogEntry]:
    rows = await session.execute(
        select(CatalogEntry).where(CatalogEntry.tenant_id == tenant_id, CatalogEntry.list_type == list_type)
    )
    return list(rows.scalars())


async def catalog_names(session: AsyncSession, tenant_id: uuid.UUID, list_type: str) -> list[Any]:
    """``(full_name, name, is_active)`` of every entry of a list, as plain rows: planning a document reads the item
    list to match SKUs to item names, and building an ORM object per item cost more than the rest of the plan."""
    return list((await sql.run(session, _CATALOG_NAMES, {"tenant_id": tenant_id, "list_type": list_type})).all())


_CATALOG_NAMES = select(C.c.full_name, C.c.name, C.c.is_active).where(
    C.c.tenant_id == _TENANT, C.c.list_type == bindparam("list_type")
)


async def hold_dependents(
    session: AsyncSession, tenant_id: uuid.UUID, now: datetime, parents: Mapping[str, str]
) -> tuple[set[str], set[int]]:
    """Hold every write waiting (directly or not) on a parent that will never be applied; their document keys and
    write ids."""
    documents: set[str] = set()
    held: set[int] = set()
    frontier = dict(parents)
    while frontier:
        rows = (
            await session.execute(
                select(W.c.id, W.c.operation_key, W.c.document_key, L.c.parent_key)
                .join(L, and_(L.c.tenant_id == W.c.tenant_id, L.c.child_id == W.c.id))
                .where(
                    W.c.tenant_id == tenant_id,
                    L.c.parent_key.in_(list(frontier)),
                    W.c.state.in_((states.PENDING, states.IN_DOUBT)),
                )
            )
        ).all()
        updates = [
            {
                "b_id": row.id,
                "b_reason": f"Waits for {row.parent_key}, which did not reach QuickBooks: {frontier[row.parent_key]}",
            }
            for row in rows
        ]
        if updates:
            await session.execute(
                update(W)
                .where(W.c.tenant_id == tenant_id, W.c.id == bindparam("b_id"))
                .values(
                    state=states.HELD, reason_code="parent_not_posted", reason=bindparam("b_reason"), updated_at=now
                ),
                updates,
            )
        documents |= {row.document_key for row in rows}
        held |= {row.id for row in rows}
        frontier = {row.operation_key: frontier[row.parent_key] for row in rows}
    return documents, held


async def document_writes(
    session: AsyncSession, tenant_id: uuid.UUID, document_keys: Iterable[str]
) -> dict[str, list[Any]]:
    """Every write each document needs: the ones it queued and the ones of other documents it waits on."""
    keys = sorted(set(document_keys))
    if not keys:
        return {}
    found: dict[str, list[Any]] = defaultdict(list)
    for row in (await sql.run(session, _DOCUMENT_WRITES, {"tenant_id": tenant_id, "keys": keys})).all():
        found[row.for_document].append(row)
    return found


async def waiting_documents(session: AsyncSession, tenant_id: uuid.UUID, write_ids: Iterable[int]) -> set[str]:
    """Documents waiting on one of these writes, which another document queued (see :class:`WriteWaiter`)."""
    ids = sorted(set(write_ids))
    if not ids:
        return set()
    return set((await sql.run(session, _WAITING_DOCUMENTS, {"tenant_id": tenant_id, "ids": ids})).scalars())


_WRITE_FIELDS = (
    W.c.operation_key,
    W.c.object_type,
    W.c.state,
    W.c.result_id,
    W.c.reason_code,
    W.c.reason,
    W.c.response,
    W.c.notes,
    W.c.sent_request,
)
_KEYS = bindparam("keys", expanding=True)
_WAITED = and_(W.c.tenant_id == WW.c.tenant_id, W.c.id == WW.c.write_id)
_DOCUMENT_WRITES = union_all(
    select(W.c.document_key.label("for_document"), *_WRITE_FIELDS).where(
        W.c.tenant_id == _TENANT, W.c.document_key.in_(_KEYS)
    ),
    select(WW.c.document_key.label("for_document"), *_WRITE_FIELDS)
    .select_from(WW.join(W, _WAITED))
    .where(WW.c.tenant_id == _TENANT, WW.c.document_key.in_(_KEYS)),
)
_WAITING_DOCUMENTS = (
    select(WW.c.document_key)
    .distinct()
    .where(WW.c.tenant_id == _TENANT, WW.c.write_id.in_(bindparam("ids", expanding=True)))
)


async def end_session(
    session: AsyncSession, tenant_id: uuid.UUID, ticket_ids: Sequence[uuid.UUID], now: datetime
) -> int:
    """Writes still ``sent`` when their session ended become ``in_doubt`` (queries simply go again; an item
    listing starts over, since its iterator died with the session). Returns how many were in doubt."""
    if not ticket_ids:
        return 0
    mine = and_(W.c.tenant_id == tenant_id, W.c.ticket_id.in_(list(ticket_ids)))
    await session.execute(
        update(W)
        .where(mine, W.c.state == states.PENDING, W.c.action == "query", W.c.object_type == "Item")
        .values(request=ITEM_LISTING_START, updated_at=now)
    )
    result = await session.execute(
        update(W)
        .where(mine, W.c.state == states.SENT)
        .values(
            state=case((W.c.action == "query", states.PENDING), else_=states.IN_DOUBT),
            step=case(
                (W.c.action == "add", states.RECONCILE), (W.c.action == "mod", states.REFRESH), else_=states.WRITE
            ),
            request=case(
                (and_(W.c.action == "query", W.c.object_type == "Item"), ITEM_LISTING_START), else_=W.c.request
            ),
            updated_at=now,
        )
    )
    return int(result.rowcount or 0)


async def store_response(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    ticket_id: uuid.UUID,
    now: datetime,
    body: str,
    hresult: str,
    message: str,
    *,
    processed: bool = False,
    error: str | None = None,
) -> None:
    """Keep QuickBooks' raw answer (for support, audit and replay)."""
    values = {"tenant_id": tenant_id, "ticket_id": ticket_id, "received_at": now, "body": body}
    values |= {"hresult": hresult or None, "message": message or None, "processed_at": now if processed else None}
    await sql.run(session, _STORE_RESPONSE, {**values, "error": error})


_STORE_RESPONSE = R.insert().values(
    {
        name: bindparam(name)
        for name in ("tenant_id", "ticket_id", "received_at", "body", "hresult", "message", "processed_at", "error")
    }
)


def retry_time(now: datetime, seconds: int | None) -> datetime | None:
    return now + timedelta(seconds=seconds) if seconds else None
