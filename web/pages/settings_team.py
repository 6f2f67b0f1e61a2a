"""Settings: team members and invitations (owners invite and remove)."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from mlconnector.platform.db.engine import Database
from mlconnector.platform.errors import MlcError
from mlconnector.platform.settings import Settings
from mlconnector.tenants.auth.guards import OWNER, READ
from mlconnector.tenants.auth.principal import TenantAccess
from mlconnector.tenants.mail import MailSender
from mlconnector.tenants.models.membership import ROLES
from mlconnector.tenants.services import invitations, memberships
from mlconnector.web.rendering import flash, form_text, form_uuid, render, see_other, tenant_base, tenant_page


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
    invitation_id = form_uuid(await request.form(), "id")
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
    membership_id = form_uuid(await request.form(), "id")
    try:
        if membership_id is None:
            raise MlcError("That member is not known here; reload the page.")
        await memberships.remove_member(database, tenant_id, membership_id)
    except MlcError as error:
        flash(request, "bad", f"Nobody was removed: {error}")
    else:
        flash(request, "ok", "The member was removed from this organisation.")
    return see_other(f"{tenant_base(tenant_id)}/settings/team")


ROUTES = [team_page, invite, withdraw, remove_member]
