"""Creating a sandbox tenant: flagged from its first row, wired by the plugins that offer a sandbox, scheduled.

Sources are set up before sinks so a sink can stock its simulated books from what the source shared in
``facts`` (the store's SKUs). Each plugin's part is stored in its own transaction after its hook returns, so a
plugin may use the database freely inside the hook (SQLite allows one writer at a time).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.platform.db.engine import Database
from mlconnector.platform.errors import MlcError
from mlconnector.platform.jobs import repository as jobs_repository
from mlconnector.platform.plugins.base import Plugin, SandboxPart, SinkPlugin, SourcePlugin
from mlconnector.platform.plugins.calls import sandbox_part, supports
from mlconnector.platform.plugins.context import SandboxContext
from mlconnector.platform.plugins.discovery import PluginSet
from mlconnector.platform.sync.reading import schedule_name
from mlconnector.platform.sync.sink_settings import save_settings
from mlconnector.platform.sync.sync_settings import set_sync_settings
from mlconnector.platform.vault.keyring import Keyring
from mlconnector.tenants.models import Tenant
from mlconnector.tenants.services.connections import set_connection
from mlconnector.tenants.services.tenant_creation import create_tenant

DEFAULT_NAME = "Sandbox store"
SANDBOX_RHYTHM = {"read_interval_minutes": 1, "web_connector_interval_minutes": 1}
"""The shortest rhythm the sync settings allow; the sandbox's own jobs run every ``cycle_seconds`` within it."""


class SandboxUnavailable(MlcError):
    """No installed source and sink both offer a sandbox."""


@dataclass(frozen=True, slots=True)
class SandboxCreated:
    tenant: Tenant
    source: str
    sink: str


def sandbox_schedule_name(tenant_id: uuid.UUID, kind: str) -> str:
    return f"sandbox:{tenant_id}:{kind}"


def _pick(plugins: PluginSet) -> tuple[SourcePlugin, SinkPlugin]:
    sources = [plugin for plugin in plugins.sources if supports(plugin, "sandbox")]
    sinks = [plugin for plugin in plugins.sinks if supports(plugin, "sandbox")]
    if not sources or not sinks:
        raise SandboxUnavailable(
            "No sandbox is available: it needs an installed store connector and books connector that both offer "
            "one. Ask your operator to install them, or connect your real store and books instead."
        )
    return sources[0], sinks[0]


async def _store_part(
    database: Database,
    keyring: Keyring,
    plugins: PluginSet,
    tenant_id: uuid.UUID,
    plugin: Plugin,
    part: SandboxPart,
    cycle_seconds: int,
) -> None:
    """The part's connection (through the ordinary, validated and sealed path), settings and schedules."""
    await set_connection(database, keyring, plugins, tenant_id, plugin.name, dict(part.config), sandbox=True)
    async with database.session(tenant_id) as session:
        if part.settings is not None and isinstance(plugin, SinkPlugin):
            await save_settings(session, plugin, part.settings, actor="sandbox")
        for job in part.jobs:
            await jobs_repository.upsert_schedule(
                session,
                name=sandbox_schedule_name(tenant_id, job.kind),
                kind=job.kind,
                interval_seconds=job.every_seconds,
                tenant_id=tenant_id,
                payload=dict(job.payload),
            )
        if isinstance(plugin, SourcePlugin):  # a sandbox store is read as often as its books are updated
            await jobs_repository.set_schedule_interval(session, schedule_name(tenant_id), cycle_seconds)


async def create_sandbox(
    database: Database,
    keyring: Keyring,
    plugins: PluginSet,
    *,
    cycle_seconds: int,
    name: str = DEFAULT_NAME,
    setup: Callable[[AsyncSession, Tenant], Awaitable[None]] | None = None,
) -> SandboxCreated:
    """A new sandbox tenant wired to the first source and sink offering a sandbox. ``setup`` runs in the tenant's
    creating transaction (adding the signed-in user as its owner)."""
    source, sink = _pick(plugins)
    tenant = await create_tenant(database, keyring, name, setup=setup, is_sandbox=True)
    async with database.session(tenant.id) as session:  # the dashboard expects contact every minute, not 15
        await set_sync_settings(session, SANDBOX_RHYTHM, actor="sandbox")
    facts: dict[str, Any] = {}
    for plugin in (source, sink):
        context = SandboxContext(tenant_id=tenant.id, database=database, facts=dict(facts), cycle_seconds=cycle_seconds)
        part = await sandbox_part(plugin, context)
        await _store_part(database, keyring, plugins, tenant.id, plugin, part, cycle_seconds)
        facts |= dict(part.facts)
    return SandboxCreated(tenant=tenant, source=source.name, sink=sink.name)
