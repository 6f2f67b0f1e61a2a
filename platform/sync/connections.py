"""Which source and sink a tenant uses, and with what connection config (secret fields as ``Secret``).

Connections and their vault-held secrets belong to the tenants package; the engine reads them here, inside the
caller's tenant-bound transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.platform.plugins.base import SinkPlugin
from mlconnector.platform.plugins.discovery import PluginSet


@dataclass(frozen=True, slots=True)
class Connection:
    plugin: str
    config: Mapping[str, Any] = field(default_factory=dict)
    """Secret fields as ``Secret``."""


@dataclass(frozen=True, slots=True)
class Connected:
    """Which plugin a tenant's connection uses, read without opening its secrets: the engine often needs only the
    plugin (is the document for this sink at all, is its parent posted yet) and opens the config only to plan."""

    plugin: str
    row: Any

    async def config(self, session: AsyncSession) -> dict[str, Any]:
        """The full config, secret fields as ``Secret`` (reads and opens the sealed fields)."""
        from mlconnector.tenants.services.connections import config_of

        return await config_of(session, self.row)


async def connected(
    session: AsyncSession, plugins: PluginSet, tenant_id: uuid.UUID, role: Literal["source", "sink"]
) -> Connected | None:
    """The tenant's connection of this kind, if one is set up and its plugin is loaded here; config not opened."""
    from mlconnector.tenants.repositories import connections

    row = await connections.by_kind(session, tenant_id, role)
    if row is None or row.plugin not in plugins:
        return None
    return Connected(plugin=row.plugin, row=row)


async def connection_for(
    session: AsyncSession, plugins: PluginSet, tenant_id: uuid.UUID, role: Literal["source", "sink"]
) -> Connection | None:
    """The tenant's connection of this kind with its full config, if one is set up and its plugin is loaded here."""
    found = await connected(session, plugins, tenant_id, role)
    if found is None:
        return None
    return Connection(plugin=found.plugin, config=await found.config(session))


async def require_sink(session: AsyncSession, plugins: PluginSet) -> SinkPlugin:
    """The session tenant's sink plugin, or a 409 saying to connect the books first."""
    from mlconnector.platform.db import tenancy
    from mlconnector.platform.errors import InvalidInput

    connection = await connection_for(session, plugins, tenancy.require_tenant(session.sync_session), "sink")
    sink = plugins.get(connection.plugin) if connection is not None else None
    if not isinstance(sink, SinkPlugin):
        raise InvalidInput(
            ("sink", "connect QuickBooks (the books) first; these settings belong to it."), status_code=409
        )
    return sink


async def connection_config(session: AsyncSession, tenant_id: uuid.UUID, plugin: str) -> Mapping[str, Any] | None:
    """The tenant's connection config for ``plugin`` (secret fields as ``Secret``), or ``None`` when the tenant
    has no connection to it. For a plugin's own background jobs (a webhook's fetch)."""
    from mlconnector.platform.bootstrap import current_plugins
    from mlconnector.platform.db import tenancy
    from mlconnector.tenants.services.connections import connection_config as load_config

    if tenancy.tenant_of(session.sync_session) != tenant_id:
        raise ValueError("the session is bound to another tenant")
    plugins = current_plugins()
    return await load_config(session, plugins.get(plugin)) if plugin in plugins else None


async def is_sandbox_tenant(session: AsyncSession, tenant_id: uuid.UUID) -> bool:
    """Whether ``tenant_id`` is a sandbox tenant (flagged from its first row): only such a tenant may be wired to a
    plugin's simulated counterpart. Unknown tenants are not sandboxes. ``session`` is bound to that tenant."""
    from mlconnector.tenants.repositories import tenants

    tenant = await tenants.get(session, tenant_id)
    return tenant is not None and bool(tenant.is_sandbox)
