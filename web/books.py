"""The tenant's source and books as the pages see them, through the plugin API only (never a connector module):
the last contact the books reported, when the next one is due, and the books' item list for mapping SKUs."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

import structlog

from mlconnector.platform.db.engine import Database
from mlconnector.platform.db.types import utcnow
from mlconnector.platform.errors import MlcError
from mlconnector.platform.plugins.base import NotSupported, Plugin, SinkPlugin
from mlconnector.platform.plugins.calls import read_catalog, run_check, supports
from mlconnector.platform.plugins.context import PluginContext
from mlconnector.platform.plugins.discovery import PluginSet
from mlconnector.platform.settings import Settings
from mlconnector.platform.sync.connections import Connection, connection_for

log = structlog.get_logger(__name__)
OVERDUE_FACTOR = 2
"""The Web Connector counts as late after this many of its polling intervals without a contact."""


@dataclass(frozen=True, slots=True)
class BooksContact:
    connected: bool
    ok: bool = False
    message: str = ""
    problem: str | None = None
    company: str | None = None
    last_contact: datetime | None = None
    next_contact: datetime | None = None
    overdue: bool = False


def _parse(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


async def connection_of(
    database: Database, plugins: PluginSet, tenant_id: uuid.UUID, role: Literal["source", "sink"]
) -> Connection | None:
    async with database.session(tenant_id) as session:
        return await connection_for(session, plugins, tenant_id, role)


def contact_from_check(
    ok: bool, message: str, details: dict[str, str], interval_minutes: int, problem: str | None = None
) -> BooksContact:
    """When the books last called and are next expected; late after ``OVERDUE_FACTOR`` intervals of silence."""
    last = _parse(details.get("last_contact"))
    interval = timedelta(minutes=max(1, interval_minutes))
    next_due = last + interval if last else None
    overdue = last is not None and utcnow() - last > interval * OVERDUE_FACTOR
    return BooksContact(True, ok, message, problem, details.get("company"), last, next_due, overdue)


async def books_contact(plugins: PluginSet, sink: Connection | None, interval_minutes: int) -> BooksContact:
    """The sink's ``check``: for QuickBooks Desktop, what the Web Connector's last contact showed."""
    if sink is None:
        return BooksContact(False)
    result = await run_check(plugins.get(sink.plugin), sink.config)
    return contact_from_check(result.ok, result.message, dict(result.details), interval_minutes, result.problem)


def context_for(tenant_id: uuid.UUID, connection: Connection, database: Database, settings: Settings) -> PluginContext:
    """A plugin context for setup hooks that open their own short transactions (``database``)."""
    return PluginContext(
        tenant_id=tenant_id,
        config=connection.config,
        session=None,  # type: ignore[arg-type]  # setup hooks use ``database``
        database=database,
        public_base_url=settings.server.public_base_url,
    )


def sink_plugin(plugins: PluginSet, connection: Connection | None) -> SinkPlugin | None:
    plugin: Plugin | None = plugins.get(connection.plugin) if connection is not None else None
    return plugin if isinstance(plugin, SinkPlugin) else None


async def item_names(
    database: Database, plugins: PluginSet, settings: Settings, tenant_id: uuid.UUID, sink: Connection | None
) -> list[str]:
    """The books' active item full names as last read (empty when the books have none to offer yet)."""
    plugin = sink_plugin(plugins, sink)
    if plugin is None or sink is None or not supports(plugin, "catalog"):
        return []
    try:
        entries = await read_catalog(plugin, context_for(tenant_id, sink, database, settings), "items")
    except (NotSupported, MlcError, ValueError) as error:
        log.info("item list unavailable", error_type=type(error).__name__)
        return []
    return [entry.full_name for entry in entries if entry.active]


def suggestions(sku: str, names: list[str], limit: int = 5) -> list[str]:
    """Items whose name looks like the SKU: containing it, or close to it."""
    import difflib

    lowered = sku.lower()
    containing = [name for name in names if lowered and lowered in name.lower()]
    close = difflib.get_close_matches(sku, names, n=limit, cutoff=0.5)
    return list(dict.fromkeys(containing + close))[:limit]
