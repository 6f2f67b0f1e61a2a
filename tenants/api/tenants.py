"""``/api/tenants``: create an organisation, look at one, list and remove its members."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_204_NO_CONTENT

from mlconnector.platform.db.engine import Database
from mlconnector.platform.vault.keyring import Keyring
from mlconnector.tenants.api.shapes import TenantOut, tenant_out
from mlconnector.tenants.auth.guards import OWNER, READ, signed_in_user
from mlconnector.tenants.auth.openapi import SIGNED_IN
from mlconnector.tenants.auth.principal import Principal, TenantAccess
from mlconnector.tenants.models.membership import OWNER as OWNER_ROLE
from mlconnector.tenants.services import memberships


class TenantIn(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(max_length=200)]


class MemberOut(msgspec.Struct):
    id: uuid.UUID
    """The membership's id (for removing it)."""
    user_id: uuid.UUID
    email: str
    role: str
    joined_at: datetime


class TenantController(Controller):
    path = "/api/tenants"
    tags = ["organisations"]
    security = SIGNED_IN

    @post("/", guards=[signed_in_user], summary="Create another organisation; you become its owner")
    async def create(
        self,
        data: JSONBody[TenantIn],
        principal: NamedDependency[Principal],
        database: NamedDependency[Database],
        keyring: NamedDependency[Keyring],
    ) -> TenantOut:
        assert principal.user_id is not None
        tenant = await memberships.create_for_user(database, keyring, principal.user_id, data.name)
        return tenant_out(tenant, OWNER_ROLE)

    @get("/{tenant_id:uuid}", guards=[READ], summary="One organisation")
    async def show(
        self, tenant_id: FromPath[uuid.UUID], access: NamedDependency[TenantAccess], database: NamedDependency[Database]
    ) -> TenantOut:
        return tenant_out(await memberships.tenant(database, tenant_id), access.role)

    @get("/{tenant_id:uuid}/members", guards=[READ], summary="The organisation's members and their roles")
    async def members(self, tenant_id: FromPath[uuid.UUID], database: NamedDependency[Database]) -> list[MemberOut]:
        return [
            MemberOut(id=m.id, user_id=m.user_id, email=email, role=m.role, joined_at=m.created_at)
            for m, email in await memberships.members(database, tenant_id)
        ]

    @delete(
        "/{tenant_id:uuid}/members/{membership_id:uuid}",
        guards=[OWNER],
        status_code=HTTP_204_NO_CONTENT,
        summary="Remove a member (never the last owner)",
    )
    async def remove_member(
        self, tenant_id: FromPath[uuid.UUID], membership_id: FromPath[uuid.UUID], database: NamedDependency[Database]
    ) -> None:
        await memberships.remove_member(database, tenant_id, membership_id)
