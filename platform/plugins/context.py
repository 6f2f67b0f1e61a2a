"""What the core hands a plugin for one tenant: its connection config, a tenant-bound session and a logger."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.platform.db.engine import Database


@dataclass(slots=True)
class PluginContext:
    """Per-tenant context. ``config`` follows the plugin's schema; secret fields arrive as ``Secret``."""

    tenant_id: uuid.UUID
    config: Mapping[str, Any]
    session: AsyncSession
    """Bound to ``tenant_id`` (row-level security shows this tenant's rows only). For ``plan``/``deliver`` it is the
    job's transaction; during ``read``/``fetch`` it is ``None`` — open short transactions through ``database``."""
    database: Database | None = None
    """For a plugin's own short transactions: ``async with context.database.session(context.tenant_id) as s``."""
    public_base_url: str = "http://localhost:8000"
    log: Any = field(default_factory=lambda: structlog.get_logger("mlconnector.plugin"))


@dataclass(slots=True)
class SourceContext(PluginContext):
    """Context for :meth:`SourcePlugin.read` and :meth:`SourcePlugin.fetch`."""


@dataclass(slots=True)
class SinkContext(PluginContext):
    """Context for :meth:`SinkPlugin.plan` and :meth:`SinkPlugin.deliver`; ``settings`` are the tenant's posting
    settings for this sink (accounting choices, mappings)."""

    settings: Mapping[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class SandboxContext:
    """Context for :meth:`Plugin.sandbox`: the new sandbox tenant, for the plugin's own short transactions, and
    what the plugins set up before it shared (``facts``)."""

    tenant_id: uuid.UUID
    database: Database
    facts: Mapping[str, Any] = field(default_factory=dict)
    cycle_seconds: int = 15
    """How often the sandbox's simulated outside systems should act (the Web Connector's update cycle)."""
    log: Any = field(default_factory=lambda: structlog.get_logger("mlconnector.plugin"))
