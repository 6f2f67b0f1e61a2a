"""Route guards: a signed-in user, or access to the tenant named in the path with a given need.

A tenant the caller does not belong to — or another tenant than the API token's — answers 404, exactly like a
tenant that does not exist. The guard binds ``tenant_id`` into the log context for the rest of the request, and
leaves the :class:`TenantAccess` for the handler (dependency ``access``).
"""

from __future__ import annotations

import uuid
from typing import Any

import structlog
from litestar import Request
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from mlconnector.platform.db.engine import Database
from mlconnector.platform.errors import Forbidden, NotFound, NotSignedIn
from mlconnector.tenants.auth.authenticate import principal_of
from mlconnector.tenants.auth.principal import Need, Principal, TenantAccess
from mlconnector.tenants.repositories import memberships

ACCESS_KEY = "mlc.access"
SIGN_IN_FIRST = "Sign in first (or send an API token as 'Authorization: Bearer <token>')."
NO_SUCH_TENANT = "No such organisation, or you are not a member of it."


def _database(connection: ASGIConnection[Any, Any, Any, Any]) -> Database:
    return connection.app.state.database


async def signed_in_user(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """For actions of a person (their tenants, accepting an invitation, creating an organisation)."""
    principal = await principal_of(connection, _database(connection))
    if principal is None:
        raise NotSignedIn(SIGN_IN_FIRST)
    if not principal.is_user:
        raise Forbidden("This needs a signed-in user, not an API token.")


async def access_for(database: Database, principal: Principal, tenant_id: uuid.UUID) -> TenantAccess | None:
    if principal.token is not None:
        return TenantAccess(tenant_id, principal, None) if principal.token.tenant_id == tenant_id else None
    assert principal.user_id is not None
    async with database.session(tenant_id) as session:
        role = await memberships.role_of(session, tenant_id, principal.user_id)
    return None if role is None else TenantAccess(tenant_id, principal, role)


def tenant_access(need: Need) -> Any:
    """A guard admitting callers with ``need`` in the path's ``tenant_id``."""

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        database = _database(connection)
        principal = await principal_of(connection, database)
        if principal is None:
            raise NotSignedIn(SIGN_IN_FIRST)
        tenant_id = connection.path_params["tenant_id"]
        access = await access_for(database, principal, tenant_id)
        if access is None:
            raise NotFound(NO_SUCH_TENANT)
        if not access.allows(need):
            raise Forbidden(access.refusal(need))
        connection.scope.setdefault("state", {})[ACCESS_KEY] = access
        structlog.contextvars.bind_contextvars(tenant_id=str(tenant_id))

    guard.__name__ = f"tenant_access_{need.value}"
    return guard


def provide_access(request: Request[Any, Any, Any]) -> TenantAccess:
    """Dependency ``access``: what the tenant guard admitted."""
    return request.scope["state"][ACCESS_KEY]


async def provide_principal(request: Request[Any, Any, Any]) -> Principal:
    """Dependency ``principal``: the signed-in caller (routes guarded by :func:`signed_in_user`)."""
    principal = await principal_of(request, _database(request))
    assert principal is not None
    return principal


READ = tenant_access(Need.READ)
WRITE = tenant_access(Need.WRITE)
OWNER = tenant_access(Need.OWNER)
