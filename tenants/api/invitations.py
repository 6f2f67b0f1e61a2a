"""Invitations: owners invite by email (``/api/tenants/{id}/invitations``); invitees accept
(``/api/invitations/accept``)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT

from mlconnector.platform.db.engine import Database
from mlconnector.platform.settings import Settings
from mlconnector.tenants.api.shapes import TenantOut, tenant_out
from mlconnector.tenants.auth.guards import OWNER, signed_in_user
from mlconnector.tenants.auth.openapi import SIGNED_IN
from mlconnector.tenants.auth.principal import Principal, TenantAccess
from mlconnector.tenants.mail import MailSender
from mlconnector.tenants.models import Invitation
from mlconnector.tenants.models.membership import MEMBER
from mlconnector.tenants.services import invitations


class InvitationIn(msgspec.Struct, forbid_unknown_fields=True):
    email: Annotated[str, msgspec.Meta(max_length=254)]
    role: Annotated[str, msgspec.Meta(max_length=16)] = MEMBER
    """``member`` (runs the sync) or ``owner`` (also manages people and API tokens)."""


class InvitationOut(msgspec.Struct):
    id: uuid.UUID
    email: str
    role: str
    created_at: datetime
    expires_at: datetime


class AcceptIn(msgspec.Struct, forbid_unknown_fields=True):
    token: Annotated[str, msgspec.Meta(max_length=200)]


def invitation_out(invitation: Invitation) -> InvitationOut:
    return InvitationOut(
        id=invitation.id,
        email=invitation.email,
        role=invitation.role,
        created_at=invitation.created_at,
        expires_at=invitation.expires_at,
    )


class InvitationController(Controller):
    path = "/api/tenants/{tenant_id:uuid}/invitations"
    tags = ["organisations"]
    security = SIGNED_IN
    guards = [OWNER]

    @post("/", summary="Invite someone by email (the link goes only to them)")
    async def invite(
        self,
        data: JSONBody[InvitationIn],
        access: NamedDependency[TenantAccess],
        database: NamedDependency[Database],
        settings: NamedDependency[Settings],
        mail_sender: NamedDependency[MailSender],
    ) -> InvitationOut:
        invited = await invitations.invite(
            database,
            access.tenant_id,
            email=data.email,
            role=data.role,
            invited_by=access.principal.user_id,
            base_url=settings.server.public_base_url,
        )
        await mail_sender.send(invited.message)
        return invitation_out(invited.invitation)

    @get("/", summary="Invitations not yet accepted")
    async def pending(self, tenant_id: FromPath[uuid.UUID], database: NamedDependency[Database]) -> list[InvitationOut]:
        return [invitation_out(invitation) for invitation in await invitations.pending(database, tenant_id)]

    @delete("/{invitation_id:uuid}", status_code=HTTP_204_NO_CONTENT, summary="Withdraw an invitation")
    async def revoke(
        self, tenant_id: FromPath[uuid.UUID], invitation_id: FromPath[uuid.UUID], database: NamedDependency[Database]
    ) -> None:
        await invitations.revoke(database, tenant_id, invitation_id)


class InvitationAcceptController(Controller):
    path = "/api/invitations"
    tags = ["organisations"]
    security = SIGNED_IN
    guards = [signed_in_user]

    @post("/accept", status_code=HTTP_200_OK, summary="Accept an invitation sent to your email")
    async def accept(
        self, data: JSONBody[AcceptIn], principal: NamedDependency[Principal], database: NamedDependency[Database]
    ) -> TenantOut:
        assert principal.user_id is not None
        tenant, role = await invitations.accept(database, data.token, principal.user_id)
        return tenant_out(tenant, role)
