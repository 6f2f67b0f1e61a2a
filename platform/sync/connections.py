"""Which source and sink a tenant uses, and with what connection config.

Connections (with their vault-held secrets) belong to the tenants package; it registers a resolver here at
import, so the engine asks one question — "what is this tenant's sink?" — without knowing how it is stored.
Until a resolver is registered (or when it knows none), a tenant's sink is the one it has settings for, with an
empty connection config.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.platform.plugins.discovery import PluginSet
from mlconnector.platform.sync.models import SinkSettingsRow


@dataclass(frozen=True, slots=True)
class Connection:
    plugin: str
    config: Mapping[str, Any] = field(default_factory=dict)
    """Secret fields as ``Secret``."""


Resolver = Callable[[AsyncSession, uuid.UUID, str], Awaitable[Connection | None]]
_resolver: Resolver | None = None


def set_connection_resolver(resolver: Resolver | None) -> None:
    """Install the function answering ``(session, tenant_id, "source"|"sink") -> Connection | None``."""
    global _resolver
    _resolver = resolver


async def connection_for(
    session: AsyncSession, plugins: PluginSet, tenant_id: uuid.UUID, role: str
) -> Connection | None:
    if _resolver is not None:
        found = await _resolver(session, tenant_id, role)
        if found is not None:
            return found
    if role != "sink":
        return None
    names = (
        await session.execute(select(SinkSettingsRow.sink).where(SinkSettingsRow.tenant_id == tenant_id))
    ).scalars()
    for name in names:
        if name in plugins:
            return Connection(plugin=name)
    return None


async def connection_config(session: AsyncSession, tenant_id: uuid.UUID, plugin: str) -> Mapping[str, Any] | None:
    """The tenant's connection config for ``plugin`` (secret fields as ``Secret``), or ``None`` when the tenant
    has no connection to it. For a plugin's own background jobs (a webhook's fetch)."""
    from mlconnector.platform.bootstrap import current_plugins

    plugins = current_plugins()
    for role in ("source", "sink"):
        found = await connection_for(session, plugins, tenant_id, role)
        if found is not None and found.plugin == plugin:
            return found.config
    return None
