"""``mlc qbwc``: per-tenant Web Connector setup from the command line (TENANT is the tenant's slug).

- ``mlc qbwc password TENANT`` sets or rotates the Web Connector password and prints it once;
- ``mlc qbwc qwc TENANT`` prints the tenant's .qwc file (or writes it with ``--output``);
- ``mlc qbwc refresh-lists TENANT`` asks the next session to read items, accounts and payment methods.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path

import click
from sqlalchemy import column, select, table

from mlconnector.connectors.qbd import admin
from mlconnector.connectors.qbd.qwc import CONTENT_TYPE, QwcError
from mlconnector.platform.plugins import Database, Settings

TENANTS = table("tenants", column("id"), column("slug"))


async def _tenant(database: Database, slug: str) -> uuid.UUID:
    async with database.system_session() as session:
        tenant_id = (await session.execute(select(TENANTS.c.id).where(TENANTS.c.slug == slug))).scalar_one_or_none()
    if tenant_id is None:
        raise click.ClickException(f"no tenant with the slug {slug!r}")
    return tenant_id if isinstance(tenant_id, uuid.UUID) else uuid.UUID(str(tenant_id))


def _run(work):  # type: ignore[no-untyped-def]
    async def go():  # type: ignore[no-untyped-def]
        settings = Settings.from_env()
        database = Database(settings.database.url, null_pool=True)
        try:
            return await work(settings, database)
        finally:
            await database.dispose()

    return asyncio.run(go())


@click.group("qbwc")
def qbwc() -> None:
    """QuickBooks Web Connector: passwords, .qwc files, list refreshes."""


@qbwc.command("password")
@click.argument("tenant")
@click.option("--username", help="Web Connector user name (default: the tenant slug, kept once set).")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def password_command(tenant: str, username: str | None, as_json: bool) -> None:
    """Set or rotate TENANT's Web Connector password and print it once."""

    async def work(settings: Settings, database: Database) -> tuple[str, str]:
        tenant_id = await _tenant(database, tenant)
        return await admin.rotate_password(database, tenant_id, username or tenant)

    try:
        name, password = _run(work)
    except admin.AdminError as error:
        raise click.ClickException(str(error)) from None
    if as_json:
        click.echo(json.dumps({"tenant": tenant, "username": name, "password": password}))
        return
    click.echo(f"Web Connector user name: {name}")
    click.echo(f"Web Connector password:  {password}")
    click.echo("Enter it in the QuickBooks Web Connector now; it is not stored in a form that can be shown again.")


@qbwc.command("qwc")
@click.argument("tenant")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the file here.")
def qwc_command(tenant: str, output: Path | None) -> None:
    """Print TENANT's .qwc file (content type application/x-qwc)."""

    async def work(settings: Settings, database: Database) -> bytes:
        tenant_id = await _tenant(database, tenant)
        return await admin.qwc_for(database, tenant_id, settings.server.public_base_url)

    try:
        content = _run(work)
    except (admin.AdminError, QwcError) as error:
        raise click.ClickException(str(error)) from None
    if output is None:
        click.echo(content.decode("utf-8"), nl=False)
        return
    output.write_bytes(content)
    click.echo(f"wrote {output} ({CONTENT_TYPE})")


@qbwc.command("refresh-lists")
@click.argument("tenant")
def refresh_command(tenant: str) -> None:
    """Read TENANT's items, accounts, payment methods and preferences at the next Web Connector update."""

    async def work(settings: Settings, database: Database) -> int:
        tenant_id = await _tenant(database, tenant)
        return await admin.request_list_refresh(database, tenant_id)

    count = _run(work)
    click.echo(f"{count} list read(s) queued for the next Web Connector update")
