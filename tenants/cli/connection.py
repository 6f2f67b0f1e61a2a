"""``mlc connection set|ping|show``: a tenant's source and sink connections."""

from __future__ import annotations

import json
from typing import Any

import click

from mlconnector.platform.cli.output import emit
from mlconnector.platform.db.engine import Database
from mlconnector.platform.plugins.discovery import PluginSet
from mlconnector.platform.settings import Settings
from mlconnector.tenants.cli.runner import find_tenant, run


def _plugins() -> PluginSet:
    from mlconnector.platform import bootstrap
    from mlconnector.platform.settings import get_settings

    return bootstrap.load_runtime_plugins(get_settings())


def _read_config(path: str) -> object:
    try:
        with click.open_file(path, encoding="utf-8") as handle:  # "-" is stdin
            text = handle.read()
    except OSError as error:
        raise click.ClickException(f"cannot read {path}: {error.strerror}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise click.ClickException(
            f"{path} is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None


@click.group()
def connection() -> None:
    """A tenant's connections to its source and sink."""


@connection.command("set")
@click.argument("tenant")
@click.argument("plugin")
@click.option("--config", "config_path", required=True, help="JSON file following the plugin's schema ('-': stdin).")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def set_connection(tenant: str, plugin: str, config_path: str, as_json: bool) -> None:
    """Create or replace TENANT's PLUGIN connection. Secret fields go to the vault; omit one to keep it."""
    from dataclasses import asdict

    from mlconnector.platform.vault import keyring_from_settings
    from mlconnector.tenants.services import connections

    config = _read_config(config_path)
    plugins = _plugins()

    async def body(database: Database, settings: Settings) -> Any:
        found = await find_tenant(database, tenant)
        keyring = keyring_from_settings(settings.vault)
        return await connections.set_connection(database, keyring, plugins, found.id, plugin, config)

    view = run(body)
    data = asdict(view)
    emit(data, as_json, lambda: [f"{view.title} ({view.kind}) saved for {tenant}", json.dumps(view.config, indent=2)])


@connection.command("ping")
@click.argument("tenant")
@click.argument("plugin")
@click.option("--timeout", type=float, default=30.0, show_default=True, help="Seconds to wait for an answer.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def ping(tenant: str, plugin: str, timeout: float, as_json: bool) -> None:
    """Test TENANT's PLUGIN connection with its stored settings; exits 1 when it does not work."""
    from mlconnector.platform.vault import keyring_from_settings
    from mlconnector.tenants.services import connections

    plugins = _plugins()

    async def body(database: Database, settings: Settings) -> Any:
        found = await find_tenant(database, tenant)
        keyring = keyring_from_settings(settings.vault)
        return await connections.ping(database, keyring, plugins, found.id, plugin, seconds=timeout)

    done = run(body)
    result = done.result
    data = {"plugin": done.plugin, "ok": result.ok, "problem": result.problem, "message": result.message}
    emit(data, as_json, lambda: [f"{done.title}: {'OK' if result.ok else 'FAILED'} — {result.message}"])
    if not result.ok:
        raise SystemExit(1)


@connection.command("show")
@click.argument("tenant")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def show(tenant: str, as_json: bool) -> None:
    """Show TENANT's connections (secrets only as set / not set)."""
    from dataclasses import asdict

    from mlconnector.tenants.services import connections

    plugins = _plugins()

    async def body(database: Database, settings: Settings) -> Any:
        return await connections.list_connections(database, plugins, (await find_tenant(database, tenant)).id)

    views = run(body)
    emit(
        {"connections": [asdict(view) for view in views]},
        as_json,
        lambda: [f"{v.kind:<6} {v.plugin:<12} {json.dumps(v.config)}" for v in views] or ["no connections"],
    )
