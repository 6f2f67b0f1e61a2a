"""Settings: connections (secrets write-only), accounting, the sync rhythm, team members and invitations, and API
tokens (each shown once)."""

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
from mlconnector.platform.settings import Settings
from mlconnector.platform.sync.sync_settings import get_sync_settings, set_sync_settings
from mlconnector.tenants.auth.guards import OWNER, READ, WRITE
from mlconnector.tenants.auth.principal import TenantAccess
from mlconnector.tenants.mail import MailSender
from mlconnector.tenants.models.membership import ROLES
from mlconnector.tenants.services import api_tokens, connections, invitations, memberships
from mlconnector.web.pages.auth import problems_of
from mlconnector.web.pages.setup_books import _accounting
from mlconnector.web.rendering import flash, form_text, render, see_other, tenant_base, tenant_page
from mlconnector.web.schema_forms import form_fields

TOKEN_SCOPES = ("read", "write")


def _uuid(raw: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(raw)
    except ValueError:
        return None


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
    return await _accounting(request, access, database, plugins)


@get("/t/{tenant_id:uuid}/settings/team", guards=[READ])
async def team_page(
    request: Request[Any, Any, Any],
    tenant_id: FromPath[uuid.UUID],
    access: NamedDependency[TenantAccess],
    database: NamedDependency[Database],
) -> Template:
    page = await tenant_page(database, access)
    members = await memberships.members(database, tenant_id)
    pending = await invitations.pending(database, tenant_id) if page.is_owner else []
    return render(
        request,
        "settings/team.html",
        page=page,
        title="Team",
        active="settings",
        members=members,
        pending=pending,
        roles=ROLES,
    )


@post("/t/{tenant_id:uuid}/settings/team/invite", guards=[OWNER])
async def invite(
    request: Request[Any, Any, Any],
    tenant_id: FromPath[uuid.UUID],
    access: NamedDependency[TenantAccess],
    database: NamedDependency[Database],
    settings: NamedDependency[Settings],
    mail_sender: NamedDependency[MailSender],
) -> Redirect:
    form = await request.form()
    email, role = form_text(form, "email", 254), form_text(form, "role", 16)
    try:
        invited = await invitations.invite(
            database,
            tenant_id,
            email=email,
            role=role,
            invited_by=access.principal.user_id,
            base_url=settings.server.public_base_url,
        )
    except MlcError as error:
        flash(request, "bad", f"No invitation was sent: {error}")
    else:
        await mail_sender.send(invited.message)
        flash(request, "ok", f"An invitation was emailed to {invited.invitation.email}; it works for 7 days.")
    return see_other(f"{tenant_base(tenant_id)}/settings/team")


@post("/t/{tenant_id:uuid}/settings/team/withdraw", guards=[OWNER])
async def withdraw(
    request: Request[Any, Any, Any], tenant_id: FromPath[uuid.UUID], database: NamedDependency[Database]
) -> Redirect:
    invitation_id = _uuid(form_text(await request.form(), "id", 40))
    try:
        if invitation_id is None:
            raise MlcError("That invitation is not known here; reload the page.")
        await invitations.revoke(database, tenant_id, invitation_id)
    except MlcError as error:
        flash(request, "bad", str(error))
    else:
        flash(request, "ok", "The invitation was withdrawn; its link no longer works.")
    return see_other(f"{tenant_base(tenant_id)}/settings/team")


@post("/t/{tenant_id:uuid}/settings/team/remove", guards=[OWNER])
async def remove_member(
    request: Request[Any, Any, Any], tenant_id: FromPath[uuid.UUID], database: NamedDependency[Database]
) -> Redirect:
    membership_id = _uuid(form_text(await request.form(), "id", 40))
    try:
        if membership_id is None:
            raise MlcError("That member is not known here; reload the page.")
        await memberships.remove_member(database, tenant_id, membership_id)
    except MlcError as error:
        flash(request, "bad", f"Nobody was removed: {error}")
    else:
        flash(request, "ok", "The member was removed from this organisation.")
    return see_other(f"{tenant_base(tenant_id)}/settings/team")


async def _tokens_page(
    request: Request[Any, Any, Any], access: TenantAccess, database: Database, *, new_token: str | None = None
) -> Template:
    page = await tenant_page(database, access)
    response = render(
        request,
        "settings/tokens.html",
        page=page,
        title="API tokens",
        active="settings",
        tokens=await api_tokens.active(database, access.tenant_id),
        scopes=TOKEN_SCOPES,
        new_token=new_token,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@get("/t/{tenant_id:uuid}/settings/tokens", guards=[OWNER])
async def tokens_page(
    request: Request[Any, Any, Any],
    tenant_id: FromPath[uuid.UUID],
    access: NamedDependency[TenantAccess],
    database: NamedDependency[Database],
) -> Template:
    return await _tokens_page(request, access, database)


@post("/t/{tenant_id:uuid}/settings/tokens", guards=[OWNER])
async def create_token(
    request: Request[Any, Any, Any],
    tenant_id: FromPath[uuid.UUID],
    access: NamedDependency[TenantAccess],
    database: NamedDependency[Database],
) -> Template | Redirect:
    """A new token, shown on this response only (only its digest is stored)."""
    form = await request.form()
    try:
        _, token = await api_tokens.create(
            database,
            tenant_id,
            name=form_text(form, "name", 100),
            scope=form_text(form, "scope", 16),
            created_by=access.principal.user_id,
        )
    except MlcError as error:
        flash(request, "bad", f"No token was created: {error}")
        return see_other(f"{tenant_base(tenant_id)}/settings/tokens")
    return await _tokens_page(request, access, database, new_token=token)


@post("/t/{tenant_id:uuid}/settings/tokens/revoke", guards=[OWNER])
async def revoke_token(
    request: Request[Any, Any, Any], tenant_id: FromPath[uuid.UUID], database: NamedDependency[Database]
) -> Redirect:
    token_id = _uuid(form_text(await request.form(), "id", 40))
    try:
        if token_id is None:
            raise MlcError("That token is not known here; reload the page.")
        await api_tokens.revoke(database, tenant_id, token_id)
    except MlcError as error:
        flash(request, "bad", str(error))
    else:
        flash(request, "ok", "The token was revoked; scripts using it are refused from now on.")
    return see_other(f"{tenant_base(tenant_id)}/settings/tokens")


ROUTES = [
    settings_page,
    remove_connection,
    save_sync,
    accounting_settings,
    team_page,
    invite,
    withdraw,
    remove_member,
    tokens_page,
    create_token,
    revoke_token,
]
