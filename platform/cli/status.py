"""``mlc status``: what the job system is doing, for everyone or for one tenant."""

from __future__ import annotations

import asyncio

import click

from mlconnector.platform.cli.output import emit


def _lines(data: dict[str, object]) -> list[str]:
    jobs: dict[str, int] = data["jobs"]  # type: ignore[assignment]
    waited = data["oldest_due_seconds"]
    lines = ["jobs: " + ", ".join(f"{state} {count}" for state, count in jobs.items())]
    lines.append(f"oldest due job waiting: {waited} s" if waited is not None else "no job is waiting")
    depth: list[dict[str, object]] = data["queue_depth"]  # type: ignore[assignment]
    if not depth:
        lines.append("queue depth: no queued jobs")
        return lines
    lines.append("queue depth per tenant:")
    for row in depth:
        name = row["slug"] or row["tenant_id"] or "(core jobs)"
        lines.append(f"  {name:<40} {row['queued']}")
    return lines


async def _tenant_sync(database, tenant_id) -> dict[str, object]:
    """The engine's view of one tenant (documents, holds, reads, cursors) and its books' last contact."""
    from mlconnector.platform.bootstrap import current_plugins
    from mlconnector.platform.plugins.calls import run_check
    from mlconnector.platform.sync.connections import connection_for
    from mlconnector.platform.sync.status import tenant_status

    plugins = current_plugins()
    async with database.session(tenant_id) as session:
        sync = await tenant_status(session)
        sink = await connection_for(session, plugins, tenant_id, "sink")
    books: dict[str, object] = {"connected": sink is not None}
    if sink is not None:
        checked = await run_check(plugins.get(sink.plugin), sink.config)
        books.update(plugin=sink.plugin, ok=checked.ok, message=checked.message, **dict(checked.details))
    return {"sync": sync, "books": books}


def _sync_lines(data: dict[str, object]) -> list[str]:
    sync: dict = data["sync"]  # type: ignore[assignment]
    books: dict = data["books"]  # type: ignore[assignment]
    counts = ", ".join(f"{state} {count}" for state, count in sync["documents"].items() if count)
    lines = [f"documents: {counts or 'none'}", f"last store read: {sync['last_read_at'] or 'never'}"]
    lines.append(f"books: {books.get('message') or 'not connected'}")
    lines += [f"held {h['number'] or h['key']}: {h['reason']}" for h in sync["holds"]]
    return lines


@click.command()
@click.argument("tenant", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def status(tenant: str | None, as_json: bool) -> None:
    """Jobs by state, how long the oldest due job has waited, and queue depth per tenant — or, for TENANT (a slug
    or id), its queue, documents by state, holds with reasons, last store read, cursors and last Web Connector
    contact."""
    from mlconnector.platform.db.engine import Database
    from mlconnector.platform.observability import status as report
    from mlconnector.platform.settings import get_settings

    async def run() -> dict[str, object]:
        database = Database(get_settings().database.url, null_pool=True)
        try:
            async with database.system_session() as session:
                found = await report.find_tenant(session, tenant) if tenant else None
                data = (await report.snapshot(session, found)).as_dict()
            if found is not None:
                data.update(await _tenant_sync(database, found.id))
            return data
        finally:
            await database.dispose()

    try:
        data = asyncio.run(run())
    except report.UnknownTenant as error:
        raise click.ClickException(f"{error} (`mlc tenant list` shows them)") from None
    emit(data, as_json, lambda: _lines(data) + (_sync_lines(data) if "sync" in data else []))
