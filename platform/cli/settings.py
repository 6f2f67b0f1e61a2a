"""``mlc settings``: a tenant's posting settings for its sink, as JSON."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import click

from mlconnector.platform.cli.tenant_arg import run_for_tenant
from mlconnector.platform.db.engine import Database


def _sink(session: Any, tenant_id: uuid.UUID) -> Any:
    from mlconnector.platform.bootstrap import current_plugins
    from mlconnector.platform.sync.connections import connection_for

    async def find() -> Any:
        plugins = current_plugins()
        connection = await connection_for(session, plugins, tenant_id, "sink")
        if connection is None:
            raise click.ClickException("this tenant has no sink connected yet; use --sink NAME to choose one")
        return plugins.get(connection.plugin)

    return find()


@click.group("settings")
def settings_group() -> None:
    """Posting settings (accounting choices) per tenant."""


@settings_group.command("get")
@click.argument("tenant")
@click.option("--sink", "sink_name", default=None, help="Sink plugin (default: the tenant's).")
def get_settings_command(tenant: str, sink_name: str | None) -> None:
    """Print the effective settings (defaults overlaid with the tenant's choices) as JSON."""
    from mlconnector.platform.bootstrap import current_plugins
    from mlconnector.platform.sync.sink_settings import effective_settings

    async def work(database: Database, tenant_id: uuid.UUID) -> dict[str, Any]:
        async with database.session(tenant_id) as session:
            sink = current_plugins().get(sink_name) if sink_name else await _sink(session, tenant_id)
            return await effective_settings(session, sink)

    click.echo(json.dumps(run_for_tenant(tenant, work), indent=2, ensure_ascii=False))


@settings_group.command("set")
@click.argument("tenant")
@click.option(
    "--file",
    "path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="JSON with the settings to change.",
)
@click.option("--sink", "sink_name", default=None, help="Sink plugin (default: the tenant's).")
@click.option("--replace", is_flag=True, help="Replace all choices instead of merging.")
def set_settings_command(tenant: str, path: Path, sink_name: str | None, replace: bool) -> None:
    """Change settings from a JSON file (validated; nothing changes if any field is wrong)."""
    from mlconnector.platform.bootstrap import current_plugins
    from mlconnector.platform.sync.sink_settings import InvalidSettings, save_settings

    try:
        changes = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise click.ClickException(f"{path} is not valid JSON: {error}") from None
    if not isinstance(changes, dict):
        raise click.ClickException(f"{path} must hold a JSON object")

    async def work(database: Database, tenant_id: uuid.UUID) -> dict[str, Any]:
        async with database.session(tenant_id) as session:
            sink = current_plugins().get(sink_name) if sink_name else await _sink(session, tenant_id)
            return await save_settings(session, sink, changes, actor="operator", replace=replace)

    try:
        effective = run_for_tenant(tenant, work)
    except InvalidSettings as error:
        raise click.ClickException(str(error)) from None
    click.echo(json.dumps(effective, indent=2, ensure_ascii=False))
