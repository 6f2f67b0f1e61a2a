"""Storing a tenant's sync settings (one row per tenant; no row means the defaults)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Row, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.platform.db import tenancy
from mlconnector.platform.db.types import utcnow
from mlconnector.platform.sync.models import SyncSettingsRow

if TYPE_CHECKING:
    from mlconnector.platform.sync.sync_settings import SyncSettings


async def load(session: AsyncSession) -> SyncSettingsRow | None:
    tenant_id = tenancy.require_tenant(session.sync_session)
    statement = select(SyncSettingsRow).where(SyncSettingsRow.tenant_id == tenant_id)
    return (await session.execute(statement)).scalar_one_or_none()


_COLUMNS = select(
    SyncSettingsRow.pause_start,
    SyncSettingsRow.pause_end,
    SyncSettingsRow.pause_timezone,
    SyncSettingsRow.read_interval_minutes,
    SyncSettingsRow.web_connector_interval_minutes,
).where(SyncSettingsRow.tenant_id == bindparam("tenant_id"))
"""Built once: the Web Connector's every sendRequestXML reads the pause window through it."""


async def load_values(session: AsyncSession) -> Row[Any] | None:
    """The settings columns alone (no ORM object): what reading them on the hot path needs."""
    tenant_id = tenancy.require_tenant(session.sync_session)
    connection = await session.connection()
    return (await connection.execute(_COLUMNS, {"tenant_id": tenant_id})).first()


async def save(session: AsyncSession, settings: SyncSettings, *, actor: str) -> None:
    """Insert or update the session tenant's row with ``settings`` (already validated)."""
    tenant_id = tenancy.require_tenant(session.sync_session)
    row = await load(session)
    if row is None:
        row = SyncSettingsRow(tenant_id=tenant_id)
        session.add(row)
    window = settings.pause_window
    row.read_interval_minutes = settings.read_interval_minutes
    row.web_connector_interval_minutes = settings.web_connector_interval_minutes
    row.pause_start = window.start if window else None
    row.pause_end = window.end if window else None
    row.pause_timezone = window.timezone if window else None
    row.updated_at, row.updated_by = utcnow(), actor
    await session.flush()
