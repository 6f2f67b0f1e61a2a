"""``mlc items``: a tenant's SKU → QuickBooks item mappings, in and out as CSV (header ``sku,item``)."""

from __future__ import annotations

import uuid
from pathlib import Path

import click

from mlconnector.platform.cli.tenant_arg import run_for_tenant
from mlconnector.platform.db.engine import Database


@click.group("items")
def items() -> None:
    """SKU → QuickBooks item mappings as CSV: a header line `sku,item`, then one SKU per line."""


@items.command("import")
@click.argument("tenant")
@click.argument("path", metavar="FILE.csv", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Make the file the whole mapping (SKUs not in it are unmapped).")
def import_command(tenant: str, path: Path, replace: bool) -> None:
    """Map SKUs to items from FILE.csv. Every line is checked first: one bad line and nothing changes."""
    from mlconnector.platform.bootstrap import current_plugins
    from mlconnector.platform.errors import InvalidInput
    from mlconnector.platform.sync.item_mappings import ImportReport, import_item_csv

    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise click.ClickException(f"{path} is not UTF-8 text; save it as CSV UTF-8 and try again") from None

    async def work(database: Database, tenant_id: uuid.UUID) -> ImportReport:
        async with database.session(tenant_id) as session:
            return await import_item_csv(session, current_plugins(), text, actor="operator", replace=replace)

    try:
        report = run_for_tenant(tenant, work)
    except InvalidInput as error:
        lines = "\n".join(f"  {where}: {message}" for where, message in error.problems)
        raise click.ClickException(f"nothing was imported from {path}:\n{lines}") from None
    click.echo(
        f"{report.added} added, {report.changed} changed, {report.unchanged} unchanged; "
        f"{report.released} held document(s) queued to post again"
    )


@items.command("export")
@click.argument("tenant")
@click.argument("path", metavar="FILE.csv", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
def export_command(tenant: str, path: Path) -> None:
    """Write every mapping to FILE.csv (`-` for standard output), in the shape `mlc items import` reads."""
    from mlconnector.platform.bootstrap import current_plugins
    from mlconnector.platform.errors import InvalidInput
    from mlconnector.platform.sync.item_mappings import export_item_csv

    async def work(database: Database, tenant_id: uuid.UUID) -> str:
        async with database.session(tenant_id) as session:
            return await export_item_csv(session, current_plugins())

    try:
        text = run_for_tenant(tenant, work)
    except InvalidInput as error:
        raise click.ClickException(str(error)) from None
    if str(path) == "-":
        click.echo(text, nl=False)
        return
    path.write_text(text, encoding="utf-8", newline="")
    click.echo(f"wrote {len(text.splitlines()) - 1} mapping(s) to {path}")
