"""Connections and their sealed secret fields."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.platform.db.insert import dialect_insert
from mlconnector.platform.db.types import utcnow
from mlconnector.tenants.models import Connection, ConnectionSecret


async def by_kind(session: AsyncSession, tenant_id: uuid.UUID, kind: str) -> Connection | None:
    statement = select(Connection).where(Connection.tenant_id == tenant_id, Connection.kind == kind)
    return (await session.execute(statement)).scalar_one_or_none()


async def by_plugin(session: AsyncSession, tenant_id: uuid.UUID, plugin: str) -> Connection | None:
    statement = select(Connection).where(Connection.tenant_id == tenant_id, Connection.plugin == plugin)
    return (await session.execute(statement)).scalar_one_or_none()


async def of_tenant(session: AsyncSession, tenant_id: uuid.UUID) -> list[Connection]:
    statement = select(Connection).where(Connection.tenant_id == tenant_id).order_by(Connection.kind.desc())
    return list((await session.execute(statement)).scalars())


async def insert(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    connection_id: uuid.UUID,
    *,
    kind: str,
    plugin: str,
    config: dict[str, Any],
) -> Connection:
    connection = Connection(id=connection_id, tenant_id=tenant_id, kind=kind, plugin=plugin, config=config)
    session.add(connection)
    await session.flush()
    return connection


async def replace_config(
    session: AsyncSession, tenant_id: uuid.UUID, connection_id: uuid.UUID, config: dict[str, Any]
) -> None:
    await session.execute(
        update(Connection)
        .where(Connection.tenant_id == tenant_id, Connection.id == connection_id)
        .values(config=config, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )


async def remove(session: AsyncSession, tenant_id: uuid.UUID, connection_id: uuid.UUID) -> None:
    await session.execute(
        delete(ConnectionSecret).where(
            ConnectionSecret.tenant_id == tenant_id, ConnectionSecret.connection_id == connection_id
        )
    )
    await session.execute(delete(Connection).where(Connection.tenant_id == tenant_id, Connection.id == connection_id))


async def record_check(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    connection_id: uuid.UUID,
    *,
    ok: bool,
    problem: str | None,
    message: str,
) -> None:
    await session.execute(
        update(Connection)
        .where(Connection.tenant_id == tenant_id, Connection.id == connection_id)
        .values(last_checked_at=utcnow(), last_check_ok=ok, last_check_problem=problem, last_check_message=message)
        .execution_options(synchronize_session=False)
    )


async def secrets_of(session: AsyncSession, tenant_id: uuid.UUID, connection_id: uuid.UUID) -> list[ConnectionSecret]:
    statement = select(ConnectionSecret).where(
        ConnectionSecret.tenant_id == tenant_id, ConnectionSecret.connection_id == connection_id
    )
    return list((await session.execute(statement)).scalars())


async def put_secret(
    session: AsyncSession, tenant_id: uuid.UUID, connection_id: uuid.UUID, field: str, sealed: bytes
) -> None:
    now = utcnow()
    statement = dialect_insert(session, ConnectionSecret).values(
        tenant_id=tenant_id, connection_id=connection_id, field=field, sealed=sealed, changed_at=now
    )
    statement = statement.on_conflict_do_update(
        index_elements=["tenant_id", "connection_id", "field"], set_={"sealed": sealed, "changed_at": now}
    )
    await session.execute(statement)


async def drop_secrets_except(
    session: AsyncSession, tenant_id: uuid.UUID, connection_id: uuid.UUID, keep: Iterable[str]
) -> None:
    """Forget secret fields the plugin's schema no longer declares."""
    await session.execute(
        delete(ConnectionSecret).where(
            ConnectionSecret.tenant_id == tenant_id,
            ConnectionSecret.connection_id == connection_id,
            ConnectionSecret.field.not_in(list(keep)),
        )
    )
