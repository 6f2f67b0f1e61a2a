"""``/api/tenants/{id}/connections``: the tenant's source and sink, configured per plugin; and ``/api/connectors``,
the installed plugins with the config schema a form is built from."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import msgspec
from litestar import Controller, delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT

from mlconnector.platform.db.engine import Database
from mlconnector.platform.plugins.discovery import PluginSet
from mlconnector.platform.vault.keyring import Keyring
from mlconnector.tenants.auth.guards import READ, WRITE
from mlconnector.tenants.auth.openapi import SIGNED_IN
from mlconnector.tenants.services import connections
from mlconnector.tenants.services.connections import ConnectionView


class ConnectionIn(msgspec.Struct, forbid_unknown_fields=True):
    config: dict[str, Any]
    """Follows the plugin's ``config_schema``. Secret fields are write-only: leave one out to keep its stored
    value."""


class PingOut(msgspec.Struct):
    plugin: FromPath[str]
    ok: bool
    problem: str | None
    """``bad_credentials``, ``unreachable``, ``tls``, ``timeout``, ``not_found``, ``invalid_config``, …"""
    message: str
    """What is wrong and what to do, in a sentence."""
    checked_at: datetime


class ConnectorOut(msgspec.Struct):
    name: str
    kind: str
    title: str
    config_schema: dict[str, Any]


class ConnectionController(Controller):
    path = "/api/tenants/{tenant_id:uuid}/connections"
    tags = ["connections"]
    security = SIGNED_IN

    @get("/", guards=[READ], summary="The organisation's connections (secrets show only whether they are set)")
    async def index(
        self, tenant_id: FromPath[uuid.UUID], database: NamedDependency[Database], plugins: NamedDependency[PluginSet]
    ) -> list[ConnectionView]:
        return await connections.list_connections(database, plugins, tenant_id)

    @get("/{plugin:str}", guards=[READ], summary="One connection")
    async def show(
        self,
        tenant_id: FromPath[uuid.UUID],
        plugin: FromPath[str],
        database: NamedDependency[Database],
        plugins: NamedDependency[PluginSet],
    ) -> ConnectionView:
        return await connections.get_connection(database, plugins, tenant_id, plugin)

    @put("/{plugin:str}", guards=[WRITE], summary="Create or replace a connection; validated by the plugin's schema")
    async def save(
        self,
        tenant_id: FromPath[uuid.UUID],
        plugin: FromPath[str],
        data: JSONBody[ConnectionIn],
        database: NamedDependency[Database],
        plugins: NamedDependency[PluginSet],
        keyring: NamedDependency[Keyring],
    ) -> ConnectionView:
        return await connections.set_connection(database, keyring, plugins, tenant_id, plugin, data.config)

    @delete("/{plugin:str}", guards=[WRITE], status_code=HTTP_204_NO_CONTENT, summary="Remove a connection")
    async def remove(
        self, tenant_id: FromPath[uuid.UUID], plugin: FromPath[str], database: NamedDependency[Database]
    ) -> None:
        await connections.delete_connection(database, tenant_id, plugin)

    @post("/{plugin:str}/ping", guards=[READ], status_code=HTTP_200_OK, summary="Test the connection")
    async def ping(
        self,
        tenant_id: FromPath[uuid.UUID],
        plugin: FromPath[str],
        database: NamedDependency[Database],
        plugins: NamedDependency[PluginSet],
        keyring: NamedDependency[Keyring],
    ) -> PingOut:
        done = await connections.ping(database, keyring, plugins, tenant_id, plugin)
        result = done.result
        return PingOut(done.plugin, result.ok, result.problem, result.message, done.checked_at)


class ConnectorController(Controller):
    path = "/api/connectors"
    tags = ["connections"]

    @get("/", summary="Installed connector plugins and their config schemas")
    async def index(self, plugins: NamedDependency[PluginSet]) -> list[ConnectorOut]:
        return [ConnectorOut(p.name, p.kind, p.title, dict(p.config_schema)) for p in plugins]
