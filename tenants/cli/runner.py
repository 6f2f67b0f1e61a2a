"""Running a CLI command's async body: settings, a database handle, domain errors as one clear line."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import click

from mlconnector.platform.db.engine import Database
from mlconnector.platform.errors import MlcError
from mlconnector.platform.logs import configure_logging
from mlconnector.platform.settings import Settings, get_settings
from mlconnector.tenants.models import Tenant
from mlconnector.tenants.repositories import tenants

T = TypeVar("T")


def run(body: Callable[[Database, Settings], Awaitable[T]]) -> T:
    """Run ``body`` with a database (no pool: one short-lived command); a domain error becomes a
    ``click.ClickException`` naming the field."""
    settings = get_settings()
    configure_logging(settings.log)  # log lines go to stderr; stdout stays the command's answer (--json)

    async def main() -> T:
        database = Database(settings.database.url, null_pool=True)
        try:
            return await body(database, settings)
        finally:
            await database.dispose()

    try:
        return asyncio.run(main())
    except MlcError as error:  # InvalidInput's sentence names the field
        raise click.ClickException(str(error)) from None


async def find_tenant(database: Database, slug_or_id: str) -> Tenant:
    """An operator names a tenant by slug or id; finding it crosses tenants, so this is a system lookup."""
    async with database.system_session() as session:
        tenant = await tenants.find(session, slug_or_id)
    if tenant is None:
        raise click.ClickException(f"no tenant {slug_or_id!r} (see `mlc tenant list`)")
    return tenant
