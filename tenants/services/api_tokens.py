"""API tokens for partners and scripts: named, scoped, shown once, stored as a digest, revocable, with the time
of last use recorded."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from mlconnector.platform.db.engine import Database
from mlconnector.platform.db.types import utcnow
from mlconnector.platform.errors import InvalidInput, NotFound
from mlconnector.tenants.models import ApiToken
from mlconnector.tenants.models.api_token import SCOPES
from mlconnector.tenants.repositories import api_tokens
from mlconnector.tenants.services import bearer_tokens

PREFIX = "mlcp_"
MAX_NAME = 100
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class TokenIdentity:
    token_id: uuid.UUID
    tenant_id: uuid.UUID
    scope: str


async def create(
    database: Database, tenant_id: uuid.UUID, *, name: str, scope: str, created_by: uuid.UUID | None
) -> tuple[ApiToken, str]:
    """The stored token and the token itself — the only time anyone sees it."""
    name = " ".join((name or "").split())
    problems = []
    if not name or len(name) > MAX_NAME:
        problems.append(("name", f"must be 1-{MAX_NAME} characters (what the token is for)"))
    if scope not in SCOPES:
        problems.append(("scope", f"must be one of {', '.join(SCOPES)}"))
    if problems:
        raise InvalidInput(problems)
    token = bearer_tokens.issue(PREFIX, tenant_id)
    async with database.session(tenant_id) as session:
        row = await api_tokens.insert(
            session, tenant_id, name=name, scope=scope, token_hash=bearer_tokens.digest(token), created_by=created_by
        )
    return row, token


async def active(database: Database, tenant_id: uuid.UUID) -> list[ApiToken]:
    async with database.session(tenant_id) as session:
        return await api_tokens.active(session, tenant_id)


async def revoke(database: Database, tenant_id: uuid.UUID, token_id: uuid.UUID) -> None:
    async with database.session(tenant_id) as session:
        if not await api_tokens.revoke(session, tenant_id, token_id):
            raise NotFound("No active API token with that id in this organisation.")


async def authenticate(database: Database, token: str) -> TokenIdentity | None:
    """Who ``token`` is, looked up inside the tenant it names; ``None`` for anything not a live token."""
    tenant_id = bearer_tokens.tenant_of(PREFIX, token)
    if tenant_id is None:
        return None
    async with database.session(tenant_id) as session:
        row = await api_tokens.usable_by_hash(session, tenant_id, bearer_tokens.digest(token))
        if row is None:
            return None
        await api_tokens.touch(session, tenant_id, row.id, utcnow() - LAST_USED_RESOLUTION)
    return TokenIdentity(row.id, tenant_id, row.scope)
