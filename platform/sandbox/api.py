"""``POST /api/sandbox``: a sandbox organisation for the signed-in user (the dashboard's "Try the sandbox");
``DELETE /api/tenants/{tenant_id}/sandbox``: delete it again (its owners only).

Guarded like the tenants API: the sign-in cookie plus the CSRF header, or an API token's user.
"""

from __future__ import annotations

import uuid

import msgspec
from litestar import Controller, delete, post
from litestar.di import NamedDependency
from litestar.params import FromPath

from mlconnector.platform.db.engine import Database
from mlconnector.platform.plugins.discovery import PluginSet
from mlconnector.platform.sandbox.create import create_sandbox
from mlconnector.platform.sandbox.delete import delete_sandbox
from mlconnector.platform.settings import Settings
from mlconnector.platform.vault.keyring import Keyring
from mlconnector.tenants.api.shapes import TenantOut, tenant_out
from mlconnector.tenants.auth.guards import OWNER as OWNER_ONLY
from mlconnector.tenants.auth.guards import signed_in_user
from mlconnector.tenants.auth.openapi import SIGNED_IN
from mlconnector.tenants.auth.principal import Principal
from mlconnector.tenants.models.membership import OWNER
from mlconnector.tenants.repositories import memberships


class SandboxOut(msgspec.Struct):
    tenant: TenantOut
    dashboard_url: str
    message: str


class SandboxController(Controller):
    path = "/api/sandbox"
    tags = ["organisations"]
    security = SIGNED_IN

    @post("/", guards=[signed_in_user], summary="Create a sandbox organisation (simulated store and QuickBooks)")
    async def create(
        self,
        principal: NamedDependency[Principal],
        database: NamedDependency[Database],
        keyring: NamedDependency[Keyring],
        plugins: NamedDependency[PluginSet],
        settings: NamedDependency[Settings],
    ) -> SandboxOut:
        user_id = principal.user_id
        assert user_id is not None

        async def add_owner(session, created) -> None:  # type: ignore[no-untyped-def]
            await memberships.insert(session, created.id, user_id, OWNER)

        made = await create_sandbox(
            database, keyring, plugins, cycle_seconds=settings.jobs.sandbox_cycle_seconds, setup=add_owner
        )
        seconds = settings.jobs.sandbox_cycle_seconds
        return SandboxOut(
            tenant=tenant_out(made.tenant, OWNER),
            dashboard_url=f"/t/{made.tenant.id}/",
            message=f"Sandbox ready: simulated orders arrive and the simulated Web Connector runs every {seconds} s.",
        )


class SandboxTenantController(Controller):
    path = "/api/tenants/{tenant_id:uuid}/sandbox"
    tags = ["organisations"]
    security = SIGNED_IN

    @delete("/", guards=[OWNER_ONLY], status_code=204, summary="Delete this sandbox organisation (owners only)")
    async def remove(self, tenant_id: FromPath[uuid.UUID], database: NamedDependency[Database]) -> None:
        """A real organisation is refused (403) with a sentence and nothing changes."""
        await delete_sandbox(database, tenant_id)
