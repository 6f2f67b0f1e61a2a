"""``/api/me``: the signed-in user and their organisations."""

from __future__ import annotations

from litestar import Controller, get
from litestar.di import NamedDependency

from mlconnector.platform.db.engine import Database
from mlconnector.platform.errors import NotSignedIn
from mlconnector.tenants.api.shapes import MeOut, UserOut, tenant_out
from mlconnector.tenants.auth.guards import signed_in_user
from mlconnector.tenants.auth.openapi import SIGNED_IN
from mlconnector.tenants.auth.principal import Principal
from mlconnector.tenants.services import memberships


class MeController(Controller):
    path = "/api/me"
    tags = ["accounts"]
    security = SIGNED_IN
    guards = [signed_in_user]

    @get("/", summary="Who is signed in, and the organisations they belong to")
    async def me(self, principal: NamedDependency[Principal], database: NamedDependency[Database]) -> MeOut:
        if principal.user_id is None or principal.email is None:
            raise NotSignedIn("Sign in first.")
        tenants = await memberships.tenants_of_user(database, principal.user_id)
        return MeOut(
            user=UserOut(id=principal.user_id, email=principal.email),
            tenants=[tenant_out(tenant, role) for tenant, role in tenants],
        )
