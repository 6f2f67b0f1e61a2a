"""The authenticated caller (a signed-in user or an API token) and what it may do in one tenant."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum

from mlconnector.tenants.models.api_token import WRITE
from mlconnector.tenants.models.membership import OWNER
from mlconnector.tenants.services.api_tokens import TokenIdentity


class Need(StrEnum):
    READ = "read"
    """Look at the tenant's data: any member, any token."""
    WRITE = "write"
    """Change connections and run checks: any member, a ``write`` token."""
    OWNER = "owner"
    """Manage people and API tokens: a signed-in owner only (never a token, so a token cannot mint tokens)."""


@dataclass(frozen=True, slots=True)
class Principal:
    user_id: uuid.UUID | None = None
    email: str | None = None
    token: TokenIdentity | None = None

    @property
    def is_user(self) -> bool:
        return self.user_id is not None


@dataclass(frozen=True, slots=True)
class TenantAccess:
    """A principal's standing in the tenant a request is about."""

    tenant_id: uuid.UUID
    principal: Principal
    role: str | None
    """The user's membership role; ``None`` for a token."""

    def allows(self, need: Need) -> bool:
        if self.principal.token is not None:
            return need is Need.READ or (need is Need.WRITE and self.principal.token.scope == WRITE)
        return need is not Need.OWNER or self.role == OWNER

    def refusal(self, need: Need) -> str:
        if self.principal.token is not None and need is Need.OWNER:
            return "Managing people and API tokens needs a signed-in owner, not an API token."
        if self.principal.token is not None:
            return "This API token is read-only; create one with the write scope to change settings."
        return "Only an owner of this organisation can do that."
