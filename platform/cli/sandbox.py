"""``mlc sandbox``: a sandbox tenant and a way in — a new login shown once, or an owner invitation link."""

from __future__ import annotations

import secrets
from typing import Any

import click

from mlconnector.platform.cli.output import emit
from mlconnector.platform.db.engine import Database
from mlconnector.platform.settings import Settings

LOGIN_DOMAIN = "sandbox.example.com"


async def _new_login(session: Any, tenant: Any) -> dict[str, str]:
    """A throwaway owner for the sandbox: its email names the sandbox, its password is printed once."""
    from mlconnector.tenants.models.membership import OWNER
    from mlconnector.tenants.repositories import memberships
    from mlconnector.tenants.services.passwords import hash_password
    from mlconnector.tenants.services.signup import add_user

    email = f"{tenant.slug}@{LOGIN_DOMAIN}"
    password = secrets.token_urlsafe(15)
    user = await add_user(session, email, await hash_password(password))
    await memberships.insert(session, tenant.id, user.id, OWNER)
    return {"email": email, "password": password}


@click.command("sandbox")
@click.option("--owner", "owner_email", default=None, help="Invite this email as the owner instead of a new login.")
@click.option("--name", default="Sandbox store", show_default=True, help="The sandbox organisation's name.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def sandbox(owner_email: str | None, name: str, as_json: bool) -> None:
    """Create a sandbox tenant: a simulated store and simulated QuickBooks, nothing real."""
    from mlconnector.platform.bootstrap import load_runtime_plugins
    from mlconnector.platform.sandbox import create_sandbox
    from mlconnector.platform.vault import keyring_from_settings
    from mlconnector.tenants.cli.runner import run
    from mlconnector.tenants.models.membership import OWNER
    from mlconnector.tenants.services import invitations
    from mlconnector.tenants.services.tenant_creation import clean_name

    async def body(database: Database, settings: Settings) -> dict[str, Any]:
        login: dict[str, str] = {}

        async def add_login(session: Any, tenant: Any) -> None:
            if owner_email is None:
                login.update(await _new_login(session, tenant))

        made = await create_sandbox(
            database,
            keyring_from_settings(settings.vault),
            load_runtime_plugins(settings),
            cycle_seconds=settings.jobs.sandbox_cycle_seconds,
            name=clean_name(name, "--name"),
            setup=add_login,
        )
        link = None
        if owner_email:
            invited = await invitations.invite(
                database,
                made.tenant.id,
                email=owner_email,
                role=OWNER,
                invited_by=None,
                base_url=settings.server.public_base_url,
            )
            link = invited.link
        return {
            "id": str(made.tenant.id),
            "slug": made.tenant.slug,
            "name": made.tenant.name,
            "is_sandbox": True,
            "url": settings.server.public_base_url.rstrip("/") + "/",
            "login": login or None,
            "owner_invitation_link": link,
            "cycle_seconds": settings.jobs.sandbox_cycle_seconds,
        }

    result = run(body)

    def lines() -> list[str]:
        out = [
            f"created sandbox tenant {result['slug']} ({result['id']}): {result['name']} [Sandbox]",
            "It runs on a simulated store and simulated QuickBooks; nothing real is touched.",
        ]
        if result["login"]:
            out.append(f"sign in at {result['url']} with {result['login']['email']}")
            out.append(f"password (shown once): {result['login']['password']}")
        if result["owner_invitation_link"]:
            out.append(f"send this link to {owner_email} (valid 7 days): {result['owner_invitation_link']}")
        out.append(
            f"orders arrive and the simulated Web Connector runs every {result['cycle_seconds']} s while "
            "`mlc serve` (or `mlc worker`) runs."
        )
        return out

    emit(result, as_json, lines)
