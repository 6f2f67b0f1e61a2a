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


@click.command()
@click.argument("tenant", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def status(tenant: str | None, as_json: bool) -> None:
    """Jobs by state, how long the oldest due job has waited, and queue depth per tenant (or for TENANT, a slug
    or id)."""
    from mlconnector.platform.db.engine import Database
    from mlconnector.platform.observability import status as report
    from mlconnector.platform.settings import get_settings

    async def run() -> dict[str, object]:
        database = Database(get_settings().database.url, null_pool=True)
        try:
            async with database.system_session() as session:
                found = await report.find_tenant(session, tenant) if tenant else None
                return (await report.snapshot(session, found)).as_dict()
        finally:
            await database.dispose()

    try:
        data = asyncio.run(run())
    except report.UnknownTenant as error:
        raise click.ClickException(f"{error} (`mlc tenant list` shows them)") from None
    emit(data, as_json, lambda: _lines(data))
