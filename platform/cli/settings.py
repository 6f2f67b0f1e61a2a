"""``mlc settings``: a tenant's posting settings for its sink (accounting choices), or with ``--sync`` its sync
settings (pause window, read and Web Connector intervals), as JSON."""

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
    """Posting settings (accounting choices) or, with --sync, sync settings per tenant."""


SYNC_HELP = "The sync settings (pause_window, read_interval_minutes, web_connector_interval_minutes) instead."


def _sync_settings(tenant: str, changes: dict[str, Any] | None) -> dict[str, Any]:
    """Read (``changes`` None) or change the tenant's sync settings; returns them as JSON-ready data."""
    import msgspec

    from mlconnector.platform.errors import InvalidInput
    from mlconnector.platform.sync.sync_settings import get_sync_settings, set_sync_settings

    async def work(database: Database, tenant_id: uuid.UUID) -> dict[str, Any]:
        async with database.session(tenant_id) as session:
            if changes is None:
                return msgspec.to_builtins(await get_sync_settings(session))
            return msgspec.to_builtins(await set_sync_settings(session, changes, actor="operator"))

    try:
        return run_for_tenant(tenant, work)
    except InvalidInput as error:
        raise click.ClickException(f"nothing was changed: {error}") from None


@settings_group.command("get")
@click.argument("tenant")
@click.option("--sink", "sink_name", default=None, help="Sink plugin (default: the tenant's).")
@click.option("--sync", "sync_settings", is_flag=True, help=SYNC_HELP)
def get_settings_command(tenant: str, sink_name: str | None, sync_settings: bool) -> None:
    """Print the effective settings (defaults overlaid with the tenant's choices) as JSON."""
    from mlconnector.platform.bootstrap import current_plugins
    from mlconnector.platform.sync.sink_settings import effective_settings

    async def work(database: Database, tenant_id: uuid.UUID) -> dict[str, Any]:
        async with database.session(tenant_id) as session:
            sink = current_plugins().get(sink_name) if sink_name else await _sink(session, tenant_id)
            return await effective_settings(session, sink)

    result = _sync_settings(tenant, None) if sync_settings else run_for_tenant(tenant, work)
    click.echo(json.dumps(result, indent=2, ensure_ascii=False))


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
@click.option("--sync", "sync_settings", is_flag=True, help=SYNC_HELP)
def set_settings_command(tenant: str, path: Path, sink_name: str | None, replace: bool, sync_settings: bool) -> None:
    """Change settings from a JSON file (validated; nothing changes if any field is wrong)."""
    from mlconnector.platform.bootstrap import current_plugins
    from mlconnector.platform.sync.sink_settings import InvalidSettings, save_settings

    try:
        changes = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise click.ClickException(f"{path} is not valid JSON: {error}") from None
    if not isinstance(changes, dict):
        raise click.ClickException(f"{path} must hold a JSON object")
    if sync_settings:
        click.echo(json.dumps(_sync_settings(tenant, changes), indent=2, ensure_ascii=False))
        return

    async def work(database: Database, tenant_id: uuid.UUID) -> dict[str, Any]:
        async with database.session(tenant_id) as session:
            sink = current_plugins().get(sink_name) if sink_name else await _sink(session, tenant_id)
            return await save_settings(session, sink, changes, actor="operator", replace=replace)

    try:
        effective = run_for_tenant(tenant, work)
    except InvalidSettings as error:
        raise click.ClickException(str(error)) from None
    click.echo(json.dumps(effective, indent=2, ensure_ascii=False))
