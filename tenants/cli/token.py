"""``mlc token create|list|revoke``: a tenant's API tokens."""

from __future__ import annotations

import uuid
from typing import Any

import click

from mlconnector.platform.cli.output import emit
from mlconnector.platform.db.engine import Database
from mlconnector.platform.settings import Settings
from mlconnector.tenants.cli.runner import find_tenant, run


@click.group()
def token() -> None:
    """API tokens of a tenant (for partners and scripts)."""


@token.command("create")
@click.argument("tenant")
@click.option("--name", required=True, help="What the token is for.")
@click.option("--scope", type=click.Choice(["read", "write"]), default="read", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def create(tenant: str, name: str, scope: str, as_json: bool) -> None:
    """Create an API token for TENANT (slug or id). It is printed once; only its digest is kept."""
    from mlconnector.tenants.services import api_tokens

    async def body(database: Database, settings: Settings) -> Any:
        found = await find_tenant(database, tenant)
        row, secret = await api_tokens.create(database, found.id, name=name, scope=scope, created_by=None)
        return {"id": str(row.id), "tenant": found.slug, "name": row.name, "scope": row.scope, "token": secret}

    result = run(body)
    emit(
        result,
        as_json,
        lambda: [
            f"token {result['id']} ({result['scope']}) for {result['tenant']}: {result['name']}",
            result["token"],
            "Copy it now: it is not shown again. Send it as 'Authorization: Bearer <token>'.",
        ],
    )


@token.command("list")
@click.argument("tenant")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def list_tokens(tenant: str, as_json: bool) -> None:
    """List TENANT's active tokens (never the tokens themselves)."""
    from mlconnector.tenants.services import api_tokens

    async def body(database: Database, settings: Settings) -> Any:
        found = await find_tenant(database, tenant)
        return [
            {
                "id": str(row.id),
                "name": row.name,
                "scope": row.scope,
                "created_at": row.created_at.isoformat(),
                "last_used_at": row.last_used_at.isoformat() if row.last_used_at else None,
            }
            for row in await api_tokens.active(database, found.id)
        ]

    rows = run(body)
    emit(
        {"tokens": rows},
        as_json,
        lambda: (
            [f"{r['id']}  {r['scope']:<5} last used {r['last_used_at'] or 'never'}  {r['name']}" for r in rows]
            or ["no active tokens"]
        ),
    )


@token.command("revoke")
@click.argument("tenant")
@click.argument("token_id", type=click.UUID)
def revoke(tenant: str, token_id: uuid.UUID) -> None:
    """Revoke one of TENANT's tokens at once."""
    from mlconnector.tenants.services import api_tokens

    async def body(database: Database, settings: Settings) -> Any:
        await api_tokens.revoke(database, (await find_tenant(database, tenant)).id, token_id)

    run(body)
    click.echo(f"token {token_id} revoked")
