"""A tenant's source and sink connections: configured against each plugin's schema, secrets sealed in the vault.

Secret fields are write-only. Saving a connection without a secret field keeps the stored value (nobody can read
it back to re-send it); a view shows ``{"set": true, "changed_at": …}`` in its place. The sync engine asks for a
connection's full config with :func:`connection_config`, which hands the secrets over as :class:`Secret`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.platform.db import tenancy
from mlconnector.platform.db.base import new_id
from mlconnector.platform.db.engine import Database
from mlconnector.platform.errors import Conflict, InvalidInput, NotFound
from mlconnector.platform.plugins.base import CheckResult, Plugin
from mlconnector.platform.plugins.calls import CHECK_TIMEOUT_SECONDS, config_problems, run_check
from mlconnector.platform.plugins.config import join_secrets, secret_fields, split_secrets
from mlconnector.platform.plugins.discovery import PluginSet
from mlconnector.platform.redaction import Secret
from mlconnector.platform.sync.connections import is_sandbox_tenant
from mlconnector.platform.vault.keyring import Keyring, current_keyring
from mlconnector.platform.vault.sealing import open_secret, seal_secret
from mlconnector.tenants.models import Connection, ConnectionSecret
from mlconnector.tenants.repositories import connections, tenants

MAX_CONFIG_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class LastCheck:
    ok: bool
    problem: str | None
    message: str
    checked_at: datetime


@dataclass(frozen=True, slots=True)
class ConnectionView:
    """A connection as anyone may see it: secret fields show only whether they are set and since when."""

    id: uuid.UUID
    kind: str
    plugin: str
    title: str
    config: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    last_check: LastCheck | None


@dataclass(frozen=True, slots=True)
class PingResult:
    plugin: str
    title: str
    result: CheckResult
    checked_at: datetime


class UnknownPlugin(InvalidInput):
    status_code = 404


def plugin_named(plugins: PluginSet, name: str) -> Plugin:
    if name not in plugins:
        known = ", ".join(sorted(plugins.loaded)) or "none"
        raise UnknownPlugin(("plugin", f"no connector plugin named {name!r} is installed (installed: {known})"))
    return plugins.get(name)


def _view(plugin: Plugin | None, connection: Connection, secrets: list[ConnectionSecret]) -> ConnectionView:
    stored = {secret.field: secret.changed_at for secret in secrets}
    paths = secret_fields(plugin.config_schema) if plugin is not None else frozenset(stored)
    markers = {
        path: {"set": path in stored, "changed_at": stored[path].isoformat() if path in stored else None}
        for path in sorted(paths)
    }
    last = None
    if connection.last_checked_at is not None:
        last = LastCheck(
            bool(connection.last_check_ok),
            connection.last_check_problem,
            connection.last_check_message or "",
            connection.last_checked_at,
        )
    return ConnectionView(
        id=connection.id,
        kind=connection.kind,
        plugin=connection.plugin,
        title=plugin.title if plugin is not None else connection.plugin,
        config=join_secrets(connection.config, markers),
        created_at=connection.created_at,
        updated_at=connection.updated_at,
        last_check=last,
    )


def _incoming(plugin: Plugin, config: Any) -> tuple[dict[str, Any], dict[str, Secret]]:
    """The submitted config split into public fields and secrets; refuses what is not a JSON object, too big, or a
    secret that is not a string."""
    if not isinstance(config, Mapping):
        raise InvalidInput(("config", "must be a JSON object following the plugin's settings"))
    if len(json.dumps(config, default=str)) > MAX_CONFIG_BYTES:
        raise InvalidInput(("config", f"is larger than {MAX_CONFIG_BYTES // 1024} KiB"))
    public, secrets = split_secrets(plugin.config_schema, config)
    wrong = [(path, "must be a string") for path, value in secrets.items() if not isinstance(value, str | Secret)]
    if wrong:
        raise InvalidInput(wrong)
    return public, {path: v if isinstance(v, Secret) else Secret(v) for path, v in secrets.items()}


async def _open_all(
    session: AsyncSession, keyring: Keyring, connection_id: uuid.UUID, secrets: list[ConnectionSecret]
) -> dict[str, Secret]:
    return {s.field: await open_secret(session, keyring, connection_id, s.field, s.sealed) for s in secrets}


async def _existing(session: AsyncSession, tenant_id: uuid.UUID, plugin: Plugin) -> Connection | None:
    """The tenant's connection of this plugin's kind; refuses a second source (or sink) of another plugin."""
    existing = await connections.by_kind(session, tenant_id, plugin.kind)
    if existing is not None and existing.plugin != plugin.name:
        raise Conflict(
            ("plugin", f"this organisation already has a {plugin.kind} connection ({existing.plugin}); remove it first")
        )
    return existing


async def _kept_secrets(
    session: AsyncSession, keyring: Keyring, existing: Connection | None, paths: frozenset[str], incoming: dict
) -> dict[str, Secret]:
    """Stored secrets the submission leaves out (kept as they are), opened only to validate the whole config."""
    if existing is None:
        return {}
    stored = await connections.secrets_of(session, existing.tenant_id, existing.id)
    keep = [secret for secret in stored if secret.field in paths and secret.field not in incoming]
    return await _open_all(session, keyring, existing.id, keep)


SANDBOX_REFUSAL = (
    "This organisation is a sandbox: it runs on a simulated store and simulated QuickBooks and cannot be connected "
    "to a real store or a real Web Connector. Create a new organisation to connect your own."
)


async def set_connection(
    database: Database,
    keyring: Keyring,
    plugins: PluginSet,
    tenant_id: uuid.UUID,
    plugin_name: str,
    config: Any,
    *,
    sandbox: bool = False,
) -> ConnectionView:
    """Create or replace the tenant's connection to ``plugin_name``. Omitted secret fields keep their stored
    value. Nothing changes unless the whole config passes the plugin's schema and its ``validate`` hook (which
refuses, say, a simulated store's address for a real tenant). A sandbox tenant's connections are
    set only by the sandbox itself (``sandbox=True``): a real store must never feed simulated books, nor the
    reverse."""
    plugin = plugin_named(plugins, plugin_name)
    public, incoming = _incoming(plugin, config)
    paths = secret_fields(plugin.config_schema)
    async with database.session(tenant_id) as session:
        tenant = await tenants.get(session, tenant_id)
        if tenant is not None and tenant.is_sandbox and not sandbox:
            raise Conflict(("connection", SANDBOX_REFUSAL))
        existing = await _existing(session, tenant_id, plugin)
        kept = await _kept_secrets(session, keyring, existing, paths, incoming)
        whole = join_secrets(public, {**kept, **incoming})
        problems = config_problems(plugin, whole, sandbox=tenant is not None and tenant.is_sandbox)
        if problems:
            raise InvalidInput([(problem.field or "config", problem.message) for problem in problems])
        if existing is None:
            connection_id = new_id()
            await connections.insert(
                session, tenant_id, connection_id, kind=plugin.kind, plugin=plugin.name, config=public
            )
        else:
            connection_id = existing.id
            await connections.replace_config(session, tenant_id, connection_id, public)
        for path, secret in incoming.items():
            sealed = await seal_secret(session, keyring, connection_id, path, secret.reveal())
            await connections.put_secret(session, tenant_id, connection_id, path, sealed)
        await connections.drop_secrets_except(session, tenant_id, connection_id, paths)
        await _start_syncing(session, tenant_id, plugin)
        session.expire_all()
        row = await connections.by_plugin(session, tenant_id, plugin.name)
        assert row is not None
        return _view(plugin, row, await connections.secrets_of(session, tenant_id, connection_id))


async def _start_syncing(session: AsyncSession, tenant_id: uuid.UUID, plugin: Plugin) -> None:
    """A source connection starts the tenant's scheduled reads; a sink connection releases documents that were
    held only because no books were connected."""
    from mlconnector.platform.sync import actions
    from mlconnector.platform.sync.reading import ensure_read_schedule

    if plugin.kind == "source":
        await ensure_read_schedule(session, tenant_id)
    else:
        await actions.retry_held(session, actor="system", code="no_sink")


async def list_connections(database: Database, plugins: PluginSet, tenant_id: uuid.UUID) -> list[ConnectionView]:
    async with database.session(tenant_id) as session:
        rows = await connections.of_tenant(session, tenant_id)
        return [
            _view(
                plugins.get(row.plugin) if row.plugin in plugins else None,
                row,
                await connections.secrets_of(session, tenant_id, row.id),
            )
            for row in rows
        ]


async def get_connection(
    database: Database, plugins: PluginSet, tenant_id: uuid.UUID, plugin_name: str
) -> ConnectionView:
    plugin = plugin_named(plugins, plugin_name)
    async with database.session(tenant_id) as session:
        row = await connections.by_plugin(session, tenant_id, plugin.name)
        if row is None:
            raise NotFound(f"No {plugin.title} connection is set up for this organisation yet.")
        return _view(plugin, row, await connections.secrets_of(session, tenant_id, row.id))


async def delete_connection(database: Database, tenant_id: uuid.UUID, plugin_name: str) -> None:
    """Remove the connection and its sealed secrets (the plugin need not be installed any more)."""
    async with database.session(tenant_id) as session:
        row = await connections.by_plugin(session, tenant_id, plugin_name)
        if row is None:
            raise NotFound(f"This organisation has no {plugin_name!r} connection.")
        await connections.remove(session, tenant_id, row.id)


async def connection_config(
    session: AsyncSession, plugin: Plugin, *, keyring: Keyring | None = None
) -> dict[str, Any] | None:
    """The session tenant's full config for ``plugin`` — secret fields as :class:`Secret` — or ``None`` when the
    tenant has not set this connection up. For the sync engine, inside its own tenant-bound transaction."""
    tenant_id = tenancy.require_tenant(session.sync_session)
    row = await connections.by_plugin(session, tenant_id, plugin.name)
    if row is None:
        return None
    return await config_of(session, row, keyring=keyring)


async def config_of(session: AsyncSession, row: Connection, *, keyring: Keyring | None = None) -> dict[str, Any]:
    """The full config of a connection row the caller already read (secret fields as :class:`Secret`)."""
    secrets = await connections.secrets_of(session, row.tenant_id, row.id)
    return join_secrets(row.config, await _open_all(session, keyring or current_keyring(), row.id, secrets))


async def ping(
    database: Database,
    keyring: Keyring,
    plugins: PluginSet,
    tenant_id: uuid.UUID,
    plugin_name: str,
    *,
    seconds: float = CHECK_TIMEOUT_SECONDS,
) -> PingResult:
    """ "Test connection": the plugin's ``check`` with the stored config; the outcome is recorded on the
    connection and answered as a sentence, never a stack trace."""
    plugin = plugin_named(plugins, plugin_name)
    async with database.session(tenant_id) as session:
        row = await connections.by_plugin(session, tenant_id, plugin.name)
        if row is None:
            raise NotFound(
                f"No {plugin.title} connection is set up for this organisation yet; save its settings first."
            )
        connection_id = row.id
        config = await connection_config(session, plugin, keyring=keyring)
        sandbox = await is_sandbox_tenant(session, tenant_id)
    result = await run_check(plugin, config or {}, seconds=seconds, sandbox=sandbox)
    async with database.session(tenant_id) as session:
        await connections.record_check(
            session, tenant_id, connection_id, ok=result.ok, problem=result.problem, message=result.message
        )
        checked = await connections.by_plugin(session, tenant_id, plugin.name)
    assert checked is not None and checked.last_checked_at is not None
    return PingResult(plugin.name, plugin.title, result, checked.last_checked_at)
