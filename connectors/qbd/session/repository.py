"""SQL for connections and tickets. Every statement filters by tenant, except the two lookups that exist to find
the tenant (by Web Connector user name, by ticket hash), which run in a system session."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.connectors.qbd import statements as sql
from mlconnector.connectors.qbd.models import Connection, Ticket

CN = Connection.__table__
T = Ticket.__table__


@dataclass(frozen=True, slots=True)
class Login:
    tenant_id: uuid.UUID
    password_hash: str | None
    failed_logins: int
    locked_until: datetime | None


@dataclass(frozen=True, slots=True)
class LiveTicket:
    company_checked: bool
    completed: int
    batch_size: int
    expected: int


async def find_login(system: AsyncSession, username: str) -> Login | None:
    """Cross-tenant by design: the user name is how we learn the tenant."""
    row = (
        await system.execute(
            select(CN.c.tenant_id, CN.c.password_hash, CN.c.failed_logins, CN.c.locked_until).where(
                CN.c.username == username
            )
        )
    ).first()
    return Login(*row) if row else None


async def find_ticket(system: AsyncSession, ticket_hash: str) -> tuple[uuid.UUID, uuid.UUID] | None:
    """Cross-tenant by design: the ticket is how we learn the tenant. Returns ``(tenant id, ticket id)``."""
    row = (await system.execute(select(T.c.tenant_id, T.c.id).where(T.c.ticket_hash == ticket_hash))).first()
    return (row[0], row[1]) if row else None


async def record_failure(
    session: AsyncSession, tenant_id: uuid.UUID, failures: int, locked_until: datetime | None
) -> None:
    await session.execute(
        update(CN).where(CN.c.tenant_id == tenant_id).values(failed_logins=failures, locked_until=locked_until)
    )


async def connection(session: AsyncSession, tenant_id: uuid.UUID) -> Connection | None:
    return (await session.execute(select(Connection).where(Connection.tenant_id == tenant_id))).scalar_one_or_none()


async def update_connection(session: AsyncSession, tenant_id: uuid.UUID, **values: Any) -> None:
    await session.execute(update(CN).where(CN.c.tenant_id == tenant_id).values(**values))


async def open_tickets(session: AsyncSession, tenant_id: uuid.UUID) -> list[tuple[uuid.UUID, datetime]]:
    rows = await session.execute(
        select(T.c.id, T.c.last_seen_at).where(T.c.tenant_id == tenant_id, T.c.state == "open")
    )
    return [(row[0], row[1]) for row in rows.all()]


async def end_tickets(
    session: AsyncSession, tenant_id: uuid.UUID, ticket_ids: list[uuid.UUID], state: str, now: datetime
) -> None:
    if ticket_ids:
        await session.execute(
            update(T)
            .where(T.c.tenant_id == tenant_id, T.c.id.in_(ticket_ids), T.c.state == "open")
            .values(state=state, closed_at=now)
        )


async def create_ticket(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    ticket_hash: str,
    client_version: str | None,
    batch_size: int,
    now: datetime,
    *,
    expected: int,
) -> uuid.UUID:
    ticket_id = uuid.uuid4()
    await session.execute(
        T.insert().values(
            id=ticket_id,
            tenant_id=tenant_id,
            ticket_hash=ticket_hash,
            state="open",
            client_version=client_version,
            company_checked=False,
            batch_size=batch_size,
            completed=0,
            expected=expected,
            created_at=now,
            last_seen_at=now,
        )
    )
    return ticket_id


async def touch_ticket(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    ticket_id: uuid.UUID,
    now: datetime,
    expiry: timedelta,
    completed: int = 0,
) -> LiveTicket | None:
    """Validate and keep alive in one statement: ``None`` unless the ticket is open and was used recently."""
    values = {"b_tenant": tenant_id, "b_ticket": ticket_id, "b_since": now - expiry, "b_now": now, "b_done": completed}
    row = (await sql.run(session, _TOUCH, values)).first()
    return LiveTicket(*row) if row else None


_TOUCH = (
    update(T)
    .where(
        T.c.tenant_id == bindparam("b_tenant"),
        T.c.id == bindparam("b_ticket"),
        T.c.state == "open",
        T.c.last_seen_at >= bindparam("b_since"),
    )
    .values(last_seen_at=bindparam("b_now"), completed=T.c.completed + bindparam("b_done"))
    .returning(T.c.company_checked, T.c.completed, T.c.batch_size, T.c.expected)
)
"""Built once: the SOAP hot path runs it on every call."""


async def ticket_state(
    session: AsyncSession, tenant_id: uuid.UUID, ticket_id: uuid.UUID
) -> tuple[str, str | None] | None:
    row = (
        await session.execute(select(T.c.state, T.c.last_error).where(T.c.tenant_id == tenant_id, T.c.id == ticket_id))
    ).first()
    return (row[0], row[1]) if row else None


async def update_ticket(session: AsyncSession, tenant_id: uuid.UUID, ticket_id: uuid.UUID, **values: Any) -> None:
    await session.execute(update(T).where(T.c.tenant_id == tenant_id, T.c.id == ticket_id).values(**values))
