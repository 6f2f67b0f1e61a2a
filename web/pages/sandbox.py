""""Try the sandbox": the form twin of ``POST /api/sandbox`` — the same service, then straight to its dashboard."""

from __future__ import annotations

from typing import Any

from litestar import Request, post
from litestar.di import NamedDependency
from litestar.response import Redirect

from mlconnector.platform.db.engine import Database
from mlconnector.platform.plugins.discovery import PluginSet
from mlconnector.platform.sandbox import create_sandbox
from mlconnector.platform.settings import Settings
from mlconnector.platform.vault.keyring import Keyring
from mlconnector.tenants.auth.guards import signed_in_user
from mlconnector.tenants.auth.principal import Principal
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


ROUTES = [try_sandbox]
