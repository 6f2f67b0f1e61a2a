"""``mlc commerce …``: ping a store, backfill history, set up a tenant's webhook endpoint.

``TENANT`` is a slug or a tenant id. The connection config is the tenant's own (its Adobe Commerce connection),
or ``--config FILE`` (JSON following the plugin's config schema) to try one before saving it.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from mlconnector.connectors.commerce.cursor import backfill_from
from mlconnector.connectors.commerce.records import STREAMS
from mlconnector.connectors.commerce.repository import save_endpoint
from mlconnector.platform.plugins import (
    Database,
    IngestReport,
    Secret,
    Settings,
    SourceContext,
    connection_config,
    ingest,
    is_sandbox_tenant,
    resolve_tenant,
    secret_fields,
    validate_config,
)

if TYPE_CHECKING:
    from mlconnector.connectors.commerce.plugin import AdobeCommerceSource


def _database() -> Database:
    return Database(Settings.from_env().database.url, null_pool=True)


async def _tenant_and_config(
    plugin: AdobeCommerceSource, database: Database, reference: str, path: Path | None
) -> tuple[uuid.UUID, dict[str, Any]]:
    """The tenant and the config to use, refused (as saving it would be) when it does not fit the tenant."""
    tenant_id = await resolve_tenant(database, reference)
    async with database.session(tenant_id) as session:
        stored = await connection_config(session, tenant_id, plugin.name) if path is None else None
        sandbox = await is_sandbox_tenant(session, tenant_id)
    config = _load_config(plugin, path) if path is not None else stored
    if config is None:
        raise click.ClickException(f"tenant {reference!r} has no Adobe Commerce connection; give --config FILE")
    problems = plugin.validate(config, sandbox=sandbox)
    if problems:
        raise click.ClickException("; ".join(f"{p.field} {p.message}" for p in problems))
    return tenant_id, dict(config)


def _load_config(plugin: AdobeCommerceSource, path: Path) -> dict[str, Any]:
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise click.BadParameter(f"cannot read a JSON object from {path} ({type(error).__name__})") from None
    problems = validate_config(plugin.config_schema, config)
    if problems:
        listed = "; ".join(f"{p.field or 'config'} {p.message}" for p in problems)
        raise click.BadParameter(f"the config is incomplete or wrong: {listed}", param_hint="--config")
    for name in secret_fields(plugin.config_schema):
        if isinstance(config.get(name), str):
            config[name] = Secret(config[name])
    return config


def _since(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use a date like 2026-01-31 (or 2026-01-31T08:00)", param_hint="--since") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _emit(as_json: bool, data: Mapping[str, Any], line: str) -> None:
    click.echo(json.dumps(data, default=str) if as_json else line)


def commerce_group(plugin: AdobeCommerceSource) -> click.Group:
    config_option = click.option(
        "--config",
        "config_path",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="JSON file with a connection config (the plugin's schema); default: the tenant's connection.",
    )

    @click.group("commerce")
    def commerce() -> None:
        """Adobe Commerce: check a connection, backfill history, set up webhooks."""

    @commerce.command("ping")
    @click.argument("tenant")
    @config_option
    @click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
    def ping(tenant: str, config_path: Path | None, as_json: bool) -> None:
        """One cheap authenticated call to the store; says precisely what is wrong."""

        async def run() -> Any:
            database = _database()
            try:
                _, config = await _tenant_and_config(plugin, database, tenant, config_path)
            finally:
                await database.dispose()
            return await plugin.check(config)

        result = asyncio.run(run())
        data = {"ok": result.ok, "problem": result.problem, "message": result.message, **dict(result.details)}
        _emit(as_json, data, f"{'ok' if result.ok else result.problem}: {result.message}")
        if not result.ok:
            raise click.exceptions.Exit(1)

    @commerce.command("backfill")
    @click.argument("tenant")
    @config_option
    @click.option("--since", "since_text", help="Only records changed on or after this date (UTC). Default: all.")
    @click.option("--stream", "streams", multiple=True, type=click.Choice(STREAMS), help="Default: every stream.")
    @click.option("--json", "as_json", is_flag=True, help="Print a JSON summary instead of a progress bar.")
    def backfill(
        tenant: str, config_path: Path | None, since_text: str | None, streams: tuple[str, ...], as_json: bool
    ):
        """Read history into the database; incremental reads continue from where it ends."""
        since = _since(since_text)
        chosen = [stream for stream in STREAMS if not streams or stream in streams]
        reports = asyncio.run(_backfill(plugin, tenant, config_path, since, chosen, as_json))
        if as_json:
            click.echo(json.dumps({"streams": [vars_of(report) for report in reports]}))

    @commerce.command("webhooks")
    @click.argument("tenant")
    @click.option("--io-client-id", help="Developer Console client id of the I/O Events registration.")
    @click.option(
        "--public-key",
        "public_key_path",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="PEM public key from Commerce Admin (webhooks module signatures).",
    )
    @click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
    def webhooks(tenant: str, io_client_id: str | None, public_key_path: Path | None, as_json: bool) -> None:
        """Create (or change) the tenant's webhook endpoint and print the URLs to register."""
        if not io_client_id and not public_key_path:
            raise click.UsageError("give --io-client-id, --public-key, or both")
        key = public_key_path.read_text(encoding="utf-8") if public_key_path else None
        settings = Settings.from_env()
        endpoint_id = asyncio.run(_save_endpoint(settings, tenant, io_client_id, key))
        base = f"{settings.server.public_base_url.rstrip('/')}/connectors/commerce/webhooks/{endpoint_id}"
        data = {
            "endpoint_id": str(endpoint_id),
            "io_events_url": f"{base}/io-events" if io_client_id else None,
            "commerce_webhook_url": f"{base}/commerce" if key else None,
        }
        lines = [f"{name}: {url}" for name, url in data.items() if url]
        _emit(as_json, data, "\n".join(lines))

    return commerce


def vars_of(report: IngestReport) -> dict[str, Any]:
    return {
        "stream": report.stream,
        "records": report.records,
        "new": report.new,
        "changed": report.changed,
        "batches": report.batches,
    }


async def _save_endpoint(settings: Settings, tenant: str, io_client_id: str | None, key: str | None) -> uuid.UUID:
    database = Database(settings.database.url, null_pool=True)
    try:
        tenant_id = await resolve_tenant(database, tenant)
        async with database.session(tenant_id) as session:
            endpoint = await save_endpoint(session, tenant_id, io_client_id=io_client_id, commerce_public_key=key)
        return endpoint.id
    finally:
        await database.dispose()


async def _backfill(
    plugin: AdobeCommerceSource,
    tenant: str,
    config_path: Path | None,
    since: datetime | None,
    streams: list[str],
    quiet: bool,
) -> list[IngestReport]:
    database = Database(Settings.from_env().database.url, pool_size=2)
    reports = []
    try:
        tenant_id, config = await _tenant_and_config(plugin, database, tenant, config_path)
        for stream in streams:
            context = SourceContext(tenant_id=tenant_id, config=config, session=None, database=database)  # type: ignore[arg-type]
            total = await plugin.count(config, stream, since, context=context)
            label = f"{stream:<12}"
            if quiet:
                reports.append(
                    await ingest(database, plugin, tenant_id, stream, config=config, start_cursor=backfill_from(since))
                )
                continue
            with click.progressbar(length=max(total, 1), label=label, show_pos=True) as bar:
                done = 0

                def advance(report: IngestReport, bar: Any = bar) -> None:
                    nonlocal done
                    bar.update(min(report.records, bar.length) - done)
                    done = min(report.records, bar.length)

                reports.append(
                    await ingest(
                        database,
                        plugin,
                        tenant_id,
                        stream,
                        config=config,
                        start_cursor=backfill_from(since),
                        progress=advance,
                    )
                )
            click.echo(f"{label} {reports[-1].records} read, {reports[-1].new} new, {reports[-1].changed} changed")
    finally:
        await database.dispose()
    return reports
