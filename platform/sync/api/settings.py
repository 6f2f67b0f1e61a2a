"""``/api/tenants/{id}/sync/settings``: the accounting settings (the books' posting choices, validated by the
sink's schema) and the sync settings (pause window, read and Web Connector intervals). Changes are merged,
validated as a whole (400 with a sentence per field, nothing changed) and audited."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec
from litestar import Controller, get, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from mlconnector.platform.db.engine import Database
from mlconnector.platform.plugins.discovery import PluginSet
from mlconnector.platform.sync.accounting_settings import get_accounting_settings, set_accounting_settings
from mlconnector.platform.sync.api.shapes import actor_of
from mlconnector.platform.sync.sync_settings import PauseWindow, SyncSettings, get_sync_settings, set_sync_settings
from mlconnector.tenants.auth.guards import READ, WRITE
from mlconnector.tenants.auth.openapi import SIGNED_IN
from mlconnector.tenants.auth.principal import TenantAccess


class SyncSettingsIn(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """Only the settings to change; leave the others out."""

    pause_window: PauseWindow | msgspec.UnsetType | None = msgspec.UNSET
    """``{"start": "22:00", "end": "06:00", "timezone": "America/New_York"}`` (local wall-clock time, start
    inclusive, end exclusive, may cross midnight), or ``null`` to never pause."""
    read_interval_minutes: int | msgspec.UnsetType = msgspec.UNSET
    """1-1440: how often the store is read."""
    web_connector_interval_minutes: int | msgspec.UnsetType = msgspec.UNSET
    """1-1440: RunEveryNMinutes in the .qwc file (download it again after a change)."""


class SettingsController(Controller):
    path = "/api/tenants/{tenant_id:uuid}/sync/settings"
    tags = ["sync"]
    security = SIGNED_IN

    @get("/accounting", guards=[READ], summary="Accounting settings: the books' defaults overlaid with your choices")
    async def accounting(
        self, tenant_id: FromPath[uuid.UUID], database: NamedDependency[Database], plugins: NamedDependency[PluginSet]
    ) -> dict[str, Any]:
        async with database.session(tenant_id) as session:
            return await get_accounting_settings(session, plugins)

    @put("/accounting", guards=[WRITE], summary="Change accounting settings (merged; see the sink's settings schema)")
    async def set_accounting(
        self,
        data: JSONBody[dict[str, Any]],
        access: NamedDependency[TenantAccess],
        database: NamedDependency[Database],
        plugins: NamedDependency[PluginSet],
    ) -> dict[str, Any]:
        async with database.session(access.tenant_id) as session:
            return await set_accounting_settings(session, plugins, data, actor=actor_of(access))

    @get("/sync", guards=[READ], summary="Sync settings: pause window, store read interval, Web Connector interval")
    async def sync(self, tenant_id: FromPath[uuid.UUID], database: NamedDependency[Database]) -> SyncSettings:
        async with database.session(tenant_id) as session:
            return await get_sync_settings(session)

    @put("/sync", guards=[WRITE], summary="Change sync settings (only the fields given)")
    async def set_sync(
        self,
        data: JSONBody[SyncSettingsIn],
        access: NamedDependency[TenantAccess],
        database: NamedDependency[Database],
    ) -> SyncSettings:
        changes = msgspec.to_builtins(data)
        async with database.session(access.tenant_id) as session:
            return await set_sync_settings(session, changes, actor=actor_of(access))
