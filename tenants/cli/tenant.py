"""``mlc tenant create|list``."""

from __future__ import annotations

from typing import Any

import click

from mlconnector.platform.cli.output import emit
from mlconnector.platform.db.engine import Database
from mlconnector.platform.settings import Settings
from mlconnector.tenants.cli.runner import run


@click.group()
def tenant() -> None:
    """Tenants (merchant organisations)."""


@tenant.command("create")
@click.argument("name")
@click.option("--slug", default=None, help="Short handle (default: derived from NAME).")
@click.option("--owner", "owner_email", default=None, help="Invite this email as the owner; prints the link.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def create(name: str, slug: str | None, owner_email: str | None, as_json: bool) -> None:
    """Create a tenant named NAME (merchants usually sign up themselves instead)."""
    from mlconnector.platform.vault import keyring_from_settings
    from mlconnector.tenants.models.membership import OWNER
    from mlconnector.tenants.services import invitations
    from mlconnector.tenants.services.tenant_creation import clean_name, create_tenant

    async def body(database: Database, settings: Settings) -> Any:
        created = await create_tenant(
            database, keyring_from_settings(settings.vault), clean_name(name, "NAME"), slug=slug
        )
        link = None
        if owner_email:
            invited = await invitations.invite(
                database,
                created.id,
                email=owner_email,
                role=OWNER,
                invited_by=None,
                base_url=settings.server.public_base_url,
            )
            link = invited.link
        return {"id": str(created.id), "slug": created.slug, "name": created.name, "owner_invitation_link": link}

    result = run(body)
    lines = [f"created tenant {result['slug']} ({result['id']}): {result['name']}"]
    if result["owner_invitation_link"]:
        lines.append(f"send this link to {owner_email} (valid 7 days): {result['owner_invitation_link']}")
    emit(result, as_json, lambda: lines)


@tenant.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def list_tenants(as_json: bool) -> None:
    """List every tenant with its member count."""
    from mlconnector.tenants.repositories import tenants

    async def body(database: Database, settings: Settings) -> Any:
        async with database.system_session() as session:  # the operator's cross-tenant view
            rows = await tenants.all_with_member_counts(session)
        return [
            {
                "id": str(row.id),
                "slug": row.slug,
                "name": row.name,
                "members": members,
                "created_at": row.created_at.isoformat(),
            }
            for row, members in rows
        ]

    rows = run(body)
    emit(
        {"tenants": rows},
        as_json,
        lambda: [f"{r['slug']:<24} {r['id']}  members={r['members']:<3} {r['name']}" for r in rows] or ["no tenants"],
    )
