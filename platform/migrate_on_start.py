"""What start-up does about the schema: the embedded default migrates itself; production refuses a stale one."""

from __future__ import annotations

from mlconnector.platform.db import migrate
from mlconnector.platform.plugins.discovery import PluginSet
from mlconnector.platform.settings import Settings


async def prepare_schema(settings: Settings, plugins: PluginSet) -> None:
    folders = plugins.migration_folders()
    if settings.database.auto_migrate:
        await migrate.upgrade(settings.database.owner_url, folders, runtime_role=settings.database.runtime_role)
    else:
        await migrate.ensure_current(settings.database.url, folders)
