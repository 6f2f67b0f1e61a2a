"""Per-tenant setup actions shared by the CLI and (later) the dashboard: the Web Connector password, the .qwc
download, and queuing a re-read of QuickBooks' lists."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from mlconnector.connectors.qbd import qwc
from mlconnector.connectors.qbd.models import CatalogEntry, Connection, Write
from mlconnector.connectors.qbd.qbxml import account, item, payment_method, preferences, versions
from mlconnector.connectors.qbd.sandbox import SANDBOX_REFUSAL
from mlconnector.connectors.qbd.sandbox.books import is_simulated
from mlconnector.connectors.qbd.session import credentials
from mlconnector.connectors.qbd.writes import repository as writes
from mlconnector.connectors.qbd.writes import states
from mlconnector.platform.plugins import Database, get_sync_settings, utcnow


class AdminError(ValueError):
    """The action cannot be done as asked; the message says why."""


async def ensure_connection(session, tenant_id: uuid.UUID, username: str) -> Connection:  # type: ignore[no-untyped-def]
    connection = (
        await session.execute(select(Connection).where(Connection.tenant_id == tenant_id))
    ).scalar_one_or_none()
    if connection is not None:
        return connection
    taken = (await session.execute(select(Connection.tenant_id).where(Connection.username == username))).first()
    if taken is not None:
        raise AdminError(f"the Web Connector user name {username!r} is already used by another tenant")
    connection = Connection(
        tenant_id=tenant_id,
        username=username,
        file_id=qwc.new_file_id(),
        run_every_minutes=15,
        batch_size=10,
        failed_logins=0,
        created_at=utcnow(),
    )
    session.add(connection)
    await session.flush()
    return connection


async def rotate_password(database: Database, tenant_id: uuid.UUID, username: str) -> tuple[str, str]:
    """A new random password (returned once, stored hashed); unlocks the user name."""
    password = credentials.new_password()
    async with database.system_session() as system:
        taken = (
            await system.execute(select(Connection.tenant_id).where(Connection.username == username))
        ).scalar_one_or_none()
    if taken is not None and taken != tenant_id:
        raise AdminError(f"the Web Connector user name {username!r} is already used by another tenant")
    async with database.session(tenant_id) as session:
        if await is_simulated(session, tenant_id):
            raise AdminError(SANDBOX_REFUSAL)
        connection = await ensure_connection(session, tenant_id, username)
        connection.password_hash = credentials.hash_password(password)
        connection.password_set_at = utcnow()
        connection.failed_logins = 0
        connection.locked_until = None
        return connection.username, password


async def qwc_for(database: Database, tenant_id: uuid.UUID, public_base_url: str) -> bytes:
    async with database.session(tenant_id) as session:
        connection = (
            await session.execute(select(Connection).where(Connection.tenant_id == tenant_id))
        ).scalar_one_or_none()
        if connection is None:
            raise AdminError("set the Web Connector password first (`mlc qbwc password TENANT`)")
        if await is_simulated(session, tenant_id):
            raise AdminError(SANDBOX_REFUSAL)
        rhythm = await get_sync_settings(session)  # the tenant's web_connector_interval_minutes, not our column
        return qwc.qwc_file(
            public_base_url=public_base_url,
            username=connection.username,
            file_id=connection.file_id,
            run_every_minutes=rhythm.web_connector_interval_minutes,
            company=connection.company_name,
        )


async def request_list_refresh(database: Database, tenant_id: uuid.UUID) -> int:
    """Queue reads of the item list (paged), accounts, payment methods and preferences."""
    now = utcnow()
    document_key = f"{states.INTERNAL_PREFIX}lists:{now.isoformat()}"
    reads = [
        ("Item", item.item_query(iterator="Start")),
        ("Account", account.account_query()),
        ("PaymentMethod", payment_method.payment_method_query()),
        ("Preferences", preferences.preferences_query()),
    ]
    async with database.session(tenant_id) as session:
        for list_type, request in reads:
            session.add(
                Write(
                    tenant_id=tenant_id,
                    document_key=document_key,
                    operation_key=f"{document_key}:{list_type}",
                    object_type=list_type,
                    action="query",
                    state=states.PENDING,
                    step=states.WRITE,
                    request=request.xml,
                    bindings=[],
                    min_version=versions.required(request.xml),
                    match={"list": list_type, "started_at": now.isoformat()},
                    notes={},
                    attempt=0,
                    solo=False,
                    created_at=now,
                    updated_at=now,
                )
            )
    return len(reads)


async def catalog_entries(database: Database, tenant_id: uuid.UUID, list_type: str) -> list[CatalogEntry]:
    """The list as QuickBooks last reported it (read by ``request_list_refresh`` and the Web Connector)."""
    async with database.session(tenant_id) as session:
        return await writes.catalog(session, tenant_id, list_type)
