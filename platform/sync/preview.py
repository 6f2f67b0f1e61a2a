"""The dry-run preview: exactly what the next documents would post, planned but not delivered."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.platform.db import tenancy
from mlconnector.platform.errors import PluginError
from mlconnector.platform.plugins.base import SinkPlugin
from mlconnector.platform.plugins.calls import plan_document
from mlconnector.platform.plugins.context import SinkContext
from mlconnector.platform.plugins.discovery import PluginSet
from mlconnector.platform.settings import get_settings
from mlconnector.platform.sync import documents
from mlconnector.platform.sync.connections import connection_for
from mlconnector.platform.sync.models import DocumentRow
from mlconnector.platform.sync.sink_settings import effective_settings

PREVIEW_STATES = (documents.PENDING, documents.HELD, documents.WAITING, documents.QUEUED)


@dataclass(slots=True)
class PreviewItem:
    key: str
    number: str | None
    type: str
    state: str
    grand_total: str | None
    operations: list[dict[str, Any]] = field(default_factory=list)
    holds: list[str] = field(default_factory=list)
    problem: str | None = None


async def preview(
    session: AsyncSession, plugins: PluginSet, *, limit: int = 10, settings_override: dict[str, Any] | None = None
) -> list[PreviewItem]:
    """Plan the tenant's most recent documents of the types its sink posts, without delivering anything.

    ``settings_override`` previews settings the tenant has not saved yet (the wizard's "what if")."""
    tenant_id = tenancy.require_tenant(session.sync_session)
    connection = await connection_for(session, plugins, tenant_id, "sink")
    if connection is None:
        return []
    sink = plugins.get(connection.plugin)
    assert isinstance(sink, SinkPlugin)
    settings = await effective_settings(session, sink)
    if settings_override:
        settings.update(settings_override)
    context = SinkContext(
        tenant_id=tenant_id,
        config=dict(connection.config),
        session=session,
        public_base_url=get_settings().server.public_base_url,
        settings=settings,
    )
    rows = (
        (
            await session.execute(
                select(DocumentRow)
                .where(
                    DocumentRow.tenant_id == tenant_id,
                    DocumentRow.type.in_(sorted(sink.accepts)),
                    DocumentRow.state.in_(PREVIEW_STATES),
                )
                .order_by(DocumentRow.created_at.desc())
                .limit(limit)
            )
        )
        .scalars()
        .all()
    )
    items = []
    for row in rows:
        item = PreviewItem(
            row.key, row.number, row.type, row.state, None if row.grand_total is None else f"{row.grand_total:.2f}"
        )
        try:
            plan = await plan_document(sink, context, documents.canonical(row))
        except PluginError as error:
            item.problem = str(error)
        else:
            item.operations = [msgspec.to_builtins(op) for op in plan.operations]
            item.holds = [hold.reason for hold in plan.holds]
        items.append(item)
    return items
