""" "Try the sandbox" and "Delete this sandbox": the form twins of ``POST /api/sandbox`` and
``DELETE /api/tenants/{tenant_id}/sandbox`` — the same services, then to the sandbox's dashboard or back home."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect

from mlconnector.platform.db.engine import Database
from mlconnector.platform.errors import MlcError
from mlconnector.platform.plugins.discovery import PluginSet
from mlconnector.platform.sandbox import create_sandbox, delete_sandbox
from mlconnector.platform.settings import Settings
from mlconnector.platform.vault.keyring import Keyring
from mlconnector.tenants.auth.guards import OWNER as OWNER_ONLY
from mlconnector.tenants.auth.guards import signed_in_user
from mlconnector.tenants.auth.principal import Principal, TenantAccess
from mlconnector.tenants.models.membership import OWNER
from mlconnector.tenants.repositories import memberships
from mlconnector.web.rendering import flash, see_other, tenant_base


@post("/sandbox", guards=[signed_in_user])
async def try_sandbox(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    database: NamedDependency[Database],
    keyring: NamedDependency[Keyring],
    plugins: NamedDependency[PluginSet],
    settings: NamedDependency[Settings],
) -> Redirect:
    user_id = principal.user_id
    assert user_id is not None

    async def add_owner(session, created) -> None:  # type: ignore[no-untyped-def]
        await memberships.insert(session, created.id, user_id, OWNER)

    seconds = settings.jobs.sandbox_cycle_seconds
    made = await create_sandbox(database, keyring, plugins, cycle_seconds=seconds, setup=add_owner)
    flash(
        request,
        "ok",
        f"Your sandbox is ready. Simulated orders keep arriving and the simulated Web Connector updates the "
        f"simulated books every {seconds} seconds: reload this page to watch them. One order is held until you map "
        "its SKU to a QuickBooks item.",
    )
    return see_other(tenant_base(made.tenant.id) + "/")


@post("/t/{tenant_id:uuid}/sandbox/delete", guards=[OWNER_ONLY])
async def remove_sandbox(
    request: Request[Any, Any, Any],
    tenant_id: FromPath[uuid.UUID],
    access: NamedDependency[TenantAccess],
    database: NamedDependency[Database],
) -> Redirect:
    """The sandbox dashboard's "Delete this sandbox" (owners only); a real organisation is refused with a sentence."""
    try:
        name = await delete_sandbox(database, access.tenant_id)
    except MlcError as error:
        flash(request, "bad", str(error))
        return see_other(tenant_base(access.tenant_id) + "/")
    flash(request, "ok", f"{name} is deleted, with its simulated store and books.")
    return see_other("/")


ROUTES = [try_sandbox, remove_sandbox]
