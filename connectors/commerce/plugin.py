"""``commerce``: the Adobe Commerce source plugin, as the core and partners see it.

Entry point (pyproject): ``[project.entry-points."mlconnector.connectors"] commerce =
"mlconnector.connectors.commerce.plugin:AdobeCommerceSource"``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

import click
import httpx

from mlconnector.connectors.commerce.auth.token_store import ProcessMemoryTokenStore, TokenStore
from mlconnector.connectors.commerce.check import clock_skew, diagnose_exception, diagnose_http, probe
from mlconnector.connectors.commerce.client import CommerceClient
from mlconnector.connectors.commerce.config import CONFIG_SCHEMA, ConfigError, Connection, parse_connection
from mlconnector.connectors.commerce.connect import Wiring, open_client
from mlconnector.connectors.commerce.errors import SANDBOX_ONLY, CommerceHTTPError, SandboxStoreRefused
from mlconnector.connectors.commerce.normalize import normalize_record
from mlconnector.connectors.commerce.normalize.dates import format_utc
from mlconnector.connectors.commerce.reader import read_stream
from mlconnector.connectors.commerce.records import STREAMS
from mlconnector.connectors.commerce.repository import DatabaseTokenStore
from mlconnector.connectors.commerce.retry import RetryPolicy
from mlconnector.connectors.commerce.sandbox import SandboxTransport, sandbox_part
from mlconnector.connectors.commerce.sandbox.address import in_sandbox_domain, is_sandbox_url
from mlconnector.connectors.commerce.search import SearchCriteria, one
from mlconnector.connectors.commerce.streams import SPECS, fetch_one, load_stores, scope_groups
from mlconnector.connectors.commerce.webhooks.keys import PublicKeys
from mlconnector.connectors.commerce.webhooks.routes import webhook_routes
from mlconnector.platform.documents import Document
from mlconnector.platform.plugins import (
    PLUGIN_API_VERSION,
    CheckResult,
    ConfigProblem,
    JobContext,
    JobHandler,
    SandboxContext,
    SandboxPart,
    SourceBatch,
    SourceContext,
    SourcePlugin,
    SourceRecord,
    connection_config,
    is_sandbox_tenant,
)

CHECK_POLICY = RetryPolicy(attempts=2, base_delay=0.2, max_delay=1.0, max_retry_after=5.0)
CHECK_TIMEOUT_SECONDS = 10

ConfigLoader = Callable[[JobContext], Awaitable[Mapping[str, Any] | None]]


async def tenant_connection_config(context: JobContext) -> Mapping[str, Any] | None:
    """The tenant's Adobe Commerce connection, as the tenants' connection store keeps it."""
    assert context.tenant_id is not None
    return await connection_config(context.session, context.tenant_id, AdobeCommerceSource.name)


class AdobeCommerceSource(SourcePlugin):
    name: ClassVar[str] = "commerce"
    title: ClassVar[str] = "Adobe Commerce"
    plugin_api_version: ClassVar[str] = PLUGIN_API_VERSION
    streams: ClassVar[tuple[str, ...]] = STREAMS
    capabilities: ClassVar[frozenset[str]] = frozenset({"incremental", "backfill", "webhooks", "fetch_by_id"})
    config_schema: ClassVar[Mapping[str, Any]] = CONFIG_SCHEMA

    def __init__(
        self,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        token_store: TokenStore | None = None,
        config_loader: ConfigLoader = tenant_connection_config,
        io_keys: PublicKeys | None = None,
        wiring: Wiring | None = None,
    ) -> None:
        """The core builds it with no arguments; tests and the sandbox pass the fake's transport and friends."""
        self.wiring = wiring or Wiring(transport=transport)
        self._token_store = token_store
        self._process_tokens = ProcessMemoryTokenStore()
        self.config_loader = config_loader
        self.io_keys = io_keys or PublicKeys()
        self.sandbox_transport = SandboxTransport()

    # --- connections ------------------------------------------------------------------------------------------

    def token_store(self, context: SourceContext | None) -> TokenStore:
        if self._token_store is not None:
            return self._token_store
        if context is not None and context.database is not None:
            return DatabaseTokenStore(context.database, context.tenant_id)
        return self._process_tokens

    @asynccontextmanager
    async def _client(
        self,
        connection: Connection,
        context: SourceContext | None,
        policy: RetryPolicy | None = None,
        *,
        probe: bool = False,
    ) -> AsyncIterator[CommerceClient]:
        tenant = str(context.tenant_id) if context is not None else "check"
        wiring = await self._wiring_for(connection, context, probe=probe)
        store = self.token_store(context)
        async with open_client(connection, wiring, token_store=store, tenant_key=tenant, policy=policy) as client:
            yield client

    async def _wiring_for(self, connection: Connection, context: SourceContext | None, *, probe: bool) -> Wiring:
        """A sandbox store lives in this process, never on the network, and only a sandbox tenant may read it:
        a real tenant's books must never take in fake orders, whatever address got stored. Only ``check``
        (``probe``) may reach it without a tenant: it reads nothing in, and the core runs ``validate`` first."""
        if not in_sandbox_domain(connection.base_url):
            return self.wiring
        if not probe and (context is None or not await _sandbox_tenant(context)):
            raise SandboxStoreRefused()
        if is_sandbox_url(connection.base_url):
            return replace(self.wiring, transport=self.sandbox_transport)
        return self.wiring

    # --- hooks ------------------------------------------------------------------------------------------------

    async def check(self, config: Mapping[str, Any]) -> CheckResult:
        try:
            connection = parse_connection(config)
        except ConfigError as error:
            return CheckResult.failure("invalid_config", f"The setting {error}.")
        return _masked(await self._check(connection), connection)

    def validate(self, config: Mapping[str, Any], *, sandbox: bool) -> Sequence[ConfigProblem]:
        """A real tenant may not point at a sandbox store: the fake's orders would land in its real books."""
        if not sandbox and in_sandbox_domain(str(config.get("base_url", ""))):
            return [ConfigProblem("base_url", SANDBOX_ONLY)]
        return ()

    async def _check(self, connection: Connection) -> CheckResult:
        timeout = min(connection.request_timeout_seconds, CHECK_TIMEOUT_SECONDS)
        connection = _with_timeout(connection, timeout)
        server_date = None
        try:
            async with self._client(connection, None, CHECK_POLICY, probe=True) as client:
                try:
                    return await probe(client, connection)
                finally:
                    server_date = client.server_date
        except CommerceHTTPError as error:
            return diagnose_http(error, connection, clock_skew(server_date, self.wiring.clock()))
        except Exception as error:
            result = diagnose_exception(error, connection)
            if result is None:
                raise
            return result

    async def read(self, context: SourceContext, stream: str, cursor: str | None) -> AsyncIterator[SourceBatch]:
        connection = parse_connection(context.config)
        async with self._client(connection, context) as client:
            async for batch in read_stream(client, connection, stream, cursor, clock=self.wiring.clock):
                yield batch

    async def fetch(self, context: SourceContext, stream: str, source_id: str) -> SourceRecord | None:
        connection = parse_connection(context.config)
        async with self._client(connection, context) as client:
            stores = await load_stores(client)
            record = await fetch_one(client, SPECS[stream], source_id, stores)
        if record is not None and connection.store_ids and not _in_scope(record, connection):
            return None
        return record

    async def count(
        self, config: Mapping[str, Any], stream: str, since: datetime | None, *, context: SourceContext | None = None
    ) -> int:
        """How many records a backfill of ``stream`` from ``since`` will read (one cheap search): for progress."""
        connection = parse_connection(config)
        spec = SPECS[stream]
        async with self._client(connection, context) as client:
            groups = list(scope_groups(spec, connection.store_ids, await load_stores(client)))
            if since is not None:
                groups.append(one("updated_at", format_utc(since), "gteq"))
            criteria = SearchCriteria(groups=tuple(groups), page_size=1, fields="total_count")
            return (await client.search(spec.list_path, criteria)).total_count

    def normalize(self, record: SourceRecord) -> Sequence[Document]:
        return normalize_record(record)

    def routes(self) -> Sequence[Any]:
        return webhook_routes(self.io_keys)

    def cli(self) -> Sequence[click.Command]:
        from mlconnector.connectors.commerce.cli import commerce_group

        return [commerce_group(self)]

    def migrations(self) -> Path | None:
        return Path(__file__).parent / "migrations"

    async def sandbox(self, context: SandboxContext) -> SandboxPart:
        """A new fake store for a sandbox tenant (see :mod:`mlconnector.connectors.commerce.sandbox`)."""
        return sandbox_part()

    def jobs(self) -> Sequence[JobHandler]:
        from mlconnector.connectors.commerce.jobs import job_handlers

        return job_handlers(self)


async def _sandbox_tenant(context: SourceContext) -> bool:
    """The tenant's own flag, asked of the database each time (the address proves nothing)."""
    if context.session is not None:
        return await is_sandbox_tenant(context.session, context.tenant_id)
    if context.database is not None:
        async with context.database.session(context.tenant_id) as session:
            return await is_sandbox_tenant(session, context.tenant_id)
    return False


def _masked(result: CheckResult, connection: Connection) -> CheckResult:
    """The store's own error text is quoted in some results; a store echoing a credential must not leak it."""
    secrets = [
        secret.reveal()
        for secret in (
            connection.consumer_secret,
            connection.access_token,
            connection.access_token_secret,
            connection.ims_client_secret,
        )
        if secret is not None and secret.reveal()
    ]

    def mask(text: str) -> str:
        for value in sorted(secrets, key=len, reverse=True):
            text = text.replace(value, "********")
        return text

    return CheckResult(result.ok, mask(result.message), result.problem, {k: mask(v) for k, v in result.details.items()})


def _with_timeout(connection: Connection, seconds: int) -> Connection:
    return replace(connection, request_timeout_seconds=seconds)


def _in_scope(record: SourceRecord, connection: Connection) -> bool:
    """A webhook may name a document of a store this tenant does not sync."""
    entity = record.payload.get(record.stream) or {}
    store_id = entity.get("store_id")
    return store_id is None or record.stream in ("customer", "product") or int(store_id) in connection.store_ids
