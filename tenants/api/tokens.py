"""``/api/tenants/{id}/tokens``: API tokens for partners and scripts (owners only; the token is shown once)."""

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
from mlconnector.tenants.auth.guards import OWNER
from mlconnector.tenants.auth.openapi import SIGNED_IN
from mlconnector.tenants.auth.principal import TenantAccess
from mlconnector.tenants.models import ApiToken
from mlconnector.tenants.services import api_tokens


class TokenIn(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(max_length=100)]
    scope: Annotated[str, msgspec.Meta(max_length=16)] = "read"
    """``read`` or ``write`` (write may change connections; neither may manage people or tokens)."""


class TokenOut(msgspec.Struct):
    id: uuid.UUID
    name: str
    scope: str
    created_at: datetime
    last_used_at: datetime | None


class NewTokenOut(TokenOut):
    token: str = ""
    """The token itself: shown this once, stored only as a digest. Send it as ``Authorization: Bearer <token>``."""


def token_out(row: ApiToken) -> TokenOut:
    return TokenOut(row.id, row.name, row.scope, row.created_at, row.last_used_at)


class TokenController(Controller):
    path = "/api/tenants/{tenant_id:uuid}/tokens"
    tags = ["api tokens"]
    security = SIGNED_IN
    guards = [OWNER]

    @post("/", summary="Create an API token (returned once)")
    async def create(
        self, data: JSONBody[TokenIn], access: NamedDependency[TenantAccess], database: NamedDependency[Database]
    ) -> NewTokenOut:
        row, token = await api_tokens.create(
            database, access.tenant_id, name=data.name, scope=data.scope, created_by=access.principal.user_id
        )
        return NewTokenOut(row.id, row.name, row.scope, row.created_at, row.last_used_at, token=token)

    @get("/", summary="Active API tokens (never the tokens themselves)")
    async def active(self, tenant_id: FromPath[uuid.UUID], database: NamedDependency[Database]) -> list[TokenOut]:
        return [token_out(row) for row in await api_tokens.active(database, tenant_id)]

    @delete("/{token_id:uuid}", status_code=HTTP_204_NO_CONTENT, summary="Revoke an API token at once")
    async def revoke(
        self, tenant_id: FromPath[uuid.UUID], token_id: FromPath[uuid.UUID], database: NamedDependency[Database]
    ) -> None:
        await api_tokens.revoke(database, tenant_id, token_id)
