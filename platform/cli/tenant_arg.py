"""Resolving the TENANT argument of a command (a slug, or a tenant id) and running work for it."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Awaitable, Callable
from typing import TypeVar

import click
from sqlalchemy import select

from mlconnector.platform.db.engine import Database
from mlconnector.tenants.models import Tenant

T = TypeVar("T")


async def resolve_tenant(database: Database, reference: str) -> uuid.UUID:
    async with database.system_session() as session:
        statement = select(Tenant.id).where(Tenant.slug == reference)
        with contextlib.suppress(ValueError):
            statement = select(Tenant.id).where((Tenant.slug == reference) | (Tenant.id == uuid.UUID(reference)))
        found = (await session.execute(statement)).scalar_one_or_none()
    if found is None:
        raise click.ClickException(f"there is no tenant {reference!r} (see `mlc tenant list`)")
    return found


def run_for_tenant(reference: str, work: Callable[[Database, uuid.UUID], Awaitable[T]]) -> T:
    """Open the database, resolve the tenant, run ``work``, close — from synchronous click code."""
    from mlconnector.platform.bootstrap import load_runtime_plugins
    from mlconnector.platform.settings import get_settings

    settings = get_settings()
    load_runtime_plugins(settings)

    async def run() -> T:
        database = Database(settings.database.url, null_pool=True)
        try:
            return await work(database, await resolve_tenant(database, reference))
        finally:
            await database.dispose()

    return asyncio.run(run())
