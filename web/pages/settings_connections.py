"""Settings: the connections (secrets show only whether they are set), the sync rhythm, and accounting."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from mlconnector.platform.db.engine import Database
from mlconnector.platform.errors import MlcError
from mlconnector.platform.plugins.discovery import PluginSet
from mlconnector.platform.sync.sync_settings import get_sync_settings, set_sync_settings
from mlconnector.tenants.auth.guards import READ, WRITE
from mlconnector.tenants.auth.principal import TenantAccess
from mlconnector.tenants.services import connections
from mlconnector.web.pages.auth import problems_of
from mlconnector.web.pages.setup_books import accounting_page
from mlconnector.web.rendering import flash, form_text, render, see_other, tenant_base, tenant_page
from mlconnector.web.schema_forms import form_fields


@get("/t/{tenant_id:uuid}/settings", guards=[READ])
async def settings_page(
    request: Request[Any, Any, Any],
    tenant_id: FromPath[uuid.UUID],
    access: NamedDependency[TenantAccess],
    database: NamedDependency[Database],
    plugins: NamedDependency[PluginSet],
) -> Template:
    """Connections with their public settings and secret markers, and the sync rhythm form."""
    page = await tenant_page(database, access)
    views = await connections.list_connections(database, plugins, tenant_id)
    shown = []
    for view in views:
        schema = plugins.get(view.plugin).config_schema if view.plugin in plugins else {"properties": {}}
        shown.append((view, form_fields(schema, view.config)))
    async with database.session(tenant_id) as session:
        sync = await get_sync_settings(session)
    return render(
        request,
        "settings/index.html",
        page=page,
        title="Settings",
        active="settings",
        connections=shown,
        sync=sync,
        errors={},
    )


@post("/t/{tenant_id:uuid}/settings/connections/remove", guards=[WRITE])
async def remove_connection(
    request: Request[Any, Any, Any], tenant_id: FromPath[uuid.UUID], database: NamedDependency[Database]
) -> Redirect:
    plugin = form_text(await request.form(), "plugin", 40)
    try:
        await connections.delete_connection(database, tenant_id, plugin)
    except MlcError as error:
        flash(request, "bad", str(error))
    else:
        flash(request, "ok", "The connection and its stored secrets were removed. Set it up again from Setup.")
    return see_other(f"{tenant_base(tenant_id)}/settings")


def _sync_changes(form: Any) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for name in ("read_interval_minutes", "web_connector_interval_minutes"):
        raw = form_text(form, name, 10)
        changes[name] = int(raw) if raw.isdigit() else raw
    start, end, zone = (form_text(form, name, 64) for name in ("pause_start", "pause_end", "pause_timezone"))
    changes["pause_window"] = {"start": start, "end": end, "timezone": zone} if (start or end) else None
    return changes


@post("/t/{tenant_id:uuid}/settings/sync", guards=[WRITE])
async def save_sync(
    request: Request[Any, Any, Any],
    tenant_id: FromPath[uuid.UUID],
    access: NamedDependency[TenantAccess],
    database: NamedDependency[Database],
) -> Redirect:
    page = await tenant_page(database, access)
    try:
        async with database.session(tenant_id) as session:
            await set_sync_settings(session, _sync_changes(await request.form()), actor=page.actor)
    except MlcError as error:
        details = "; ".join(f"{field.replace('_', ' ')}: {message}" for field, message in problems_of(error).items())
        flash(request, "bad", f"The sync settings were not saved. {details}")
    else:
        flash(request, "ok", "Sync settings saved. Download the .qwc again if you changed the Web Connector interval.")
    return see_other(f"{tenant_base(tenant_id)}/settings")


@get("/t/{tenant_id:uuid}/settings/accounting", guards=[READ])
async def accounting_settings(
    request: Request[Any, Any, Any],
    tenant_id: FromPath[uuid.UUID],
    access: NamedDependency[TenantAccess],
    database: NamedDependency[Database],
    plugins: NamedDependency[PluginSet],
) -> Template:
    """The same form as the setup step; saving returns to the settings."""
    return await accounting_page(request, access, database, plugins)


ROUTES = [settings_page, remove_connection, save_sync, accounting_settings]
