"""The dashboard: what was synced, what is queued, what needs a person, and whether the books are in touch."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from mlconnector.platform.db.engine import Database
from mlconnector.platform.plugins.discovery import PluginSet
from mlconnector.platform.settings import Settings
from mlconnector.platform.sync.document_list import list_holds
from mlconnector.platform.sync.item_mappings import SKU_HOLDS
from mlconnector.platform.sync.reports import posted_per_day
from mlconnector.platform.sync.status import tenant_status
from mlconnector.platform.sync.sync_settings import get_sync_settings
from mlconnector.platform.sync.variance import daily_variance
from mlconnector.tenants.auth.guards import READ
from mlconnector.tenants.auth.principal import TenantAccess
from mlconnector.web import books
from mlconnector.web.charts import bar_chart
from mlconnector.web.rendering import render, tenant_page

HOLDS_SHOWN = 20


async def _engine_view(database: Database, tenant_id: uuid.UUID) -> dict[str, Any]:
    today = datetime.now(UTC).date()
    async with database.session(tenant_id) as session:
        status = await tenant_status(session)
        per_day = await posted_per_day(session, days=7, today=today)
        holds = await list_holds(session, limit=HOLDS_SHOWN)
        sync = await get_sync_settings(session)
        variance = await daily_variance(session, today)
    return {
        "status": status,
        "per_day": per_day,
        "holds": holds,
        "sync": sync,
        "variance": variance,
        "today": today,
    }


@get("/t/{tenant_id:uuid}/", guards=[READ])
async def dashboard(
    request: Request[Any, Any, Any],
    tenant_id: FromPath[uuid.UUID],
    access: NamedDependency[TenantAccess],
    database: NamedDependency[Database],
    plugins: NamedDependency[PluginSet],
    settings: NamedDependency[Settings],
) -> Template:
    page = await tenant_page(database, access)
    view = await _engine_view(database, tenant_id)
    sink = await books.connection_of(database, plugins, tenant_id, "sink")
    source = await books.connection_of(database, plugins, tenant_id, "source")
    contact = await books.books_contact(plugins, sink, view["sync"].web_connector_interval_minutes)
    skus = [row.hold_subject for row in view["holds"].rows if row.hold_code in SKU_HOLDS and row.hold_subject]
    names = await books.item_names(database, plugins, settings, tenant_id, sink) if skus else []
    per_day = view["per_day"]
    return render(
        request,
        "dashboard.html",
        page=page,
        title="Dashboard",
        active="dashboard",
        **view,
        synced_today=per_day[-1][1] if per_day else 0,
        synced_week=sum(count for _, count in per_day),
        chart=bar_chart(per_day, title="Documents synced into the books per day, last 7 days"),
        contact=contact,
        has_source=source is not None,
        has_sink=sink is not None,
        sku_holds=SKU_HOLDS,
        item_names=names,
        suggestions={sku: books.suggestions(sku, names) for sku in skus},
        now=datetime.now(UTC),
    )


@get("/t/{tenant_id:uuid}/contact", guards=[READ])
async def contact_fragment(
    request: Request[Any, Any, Any],
    tenant_id: FromPath[uuid.UUID],
    access: NamedDependency[TenantAccess],
    database: NamedDependency[Database],
    plugins: NamedDependency[PluginSet],
) -> Template:
    """The live part (refreshed every few seconds): the books' last contact and the queue depth."""
    page = await tenant_page(database, access)
    async with database.session(tenant_id) as session:
        status = await tenant_status(session)
        sync = await get_sync_settings(session)
    sink = await books.connection_of(database, plugins, tenant_id, "sink")
    contact = await books.books_contact(plugins, sink, sync.web_connector_interval_minutes)
    return render(request, "partials/contact.html", page=page, contact=contact, status=status, now=datetime.now(UTC))


ROUTES = [dashboard, contact_fragment]
