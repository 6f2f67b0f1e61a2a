"""Schema migrations with Alembic, on PostgreSQL and SQLite, for the core and every plugin's own tables.

The core's revisions live in ``migrations/versions`` (branch label ``core``). A plugin may ship its own folder of
revisions (:meth:`Plugin.migrations`), labelled with the plugin's name and depending on a core revision; Alembic
then has one head per branch and ``upgrade heads`` brings all of them up.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import structlog
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from mlconnector.platform.db.engine import build_engine
from mlconnector.platform.errors import StartupError

log = structlog.get_logger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(extra_locations: Iterable[Path] = ()) -> Config:
    """An Alembic config built in code (no alembic.ini), covering the core and the given plugin folders."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    locations = [MIGRATIONS / "versions", *extra_locations]
    config.set_main_option("version_locations", " ".join(str(path) for path in locations))
    config.set_main_option("path_separator", "space")
    return config


def code_heads(config: Config) -> set[str]:
    return set(ScriptDirectory.from_config(config).get_heads())


def applied_revisions(config: Config, database_heads: set[str]) -> set[str]:
    """Every revision the database has, given the heads it records (a plugin branch that depends on a core
    revision makes Alembic record only the plugin's head)."""
    if not database_heads:
        return set()
    script = ScriptDirectory.from_config(config)
    return {revision.revision for revision in script.iterate_revisions(tuple(database_heads), "base")}


def _database_heads(connection: Connection) -> set[str]:
    return set(MigrationContext.configure(connection).get_current_heads())


async def _run(url: str, config: Config, action: str, target: str) -> None:
    engine = build_engine(url, null_pool=True)

    def run(connection: Connection) -> None:
        config.attributes["connection"] = connection
        getattr(command, action)(config, target)

    try:
        async with engine.begin() as connection:
            await connection.run_sync(run)
    finally:
        await engine.dispose()


async def upgrade(url: str, extra_locations: Iterable[Path] = (), target: str = "heads") -> None:
    """Bring the schema up to ``target`` (every branch head by default)."""
    await _run(url, alembic_config(extra_locations), "upgrade", target)


async def downgrade(url: str, target: str, extra_locations: Iterable[Path] = ()) -> None:
    """Take the schema down to ``target`` (``base`` removes every table)."""
    await _run(url, alembic_config(extra_locations), "downgrade", target)


async def database_heads(url: str) -> set[str]:
    engine = build_engine(url, null_pool=True)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_database_heads)
    finally:
        await engine.dispose()


def known_revisions(config: Config) -> set[str]:
    return {revision.revision for revision in ScriptDirectory.from_config(config).walk_revisions()}


async def ensure_current(url: str, extra_locations: Iterable[Path] = ()) -> None:
    """Refuse to serve unless every revision this code (and its loaded plugins) needs is applied.

    Revisions the code does not know are tolerated with a warning: they belong to a plugin installed elsewhere or
    not allowed here (``MLC_PLUGINS``), whose tables this process never touches. A database that lacks what the
    code needs is refused with the command that fixes it.
    """
    config = alembic_config(extra_locations)
    wanted = code_heads(config)
    found = await database_heads(url)
    known = found & known_revisions(config)
    if found - known:
        log.warning("database has revisions this process does not know", revisions=sorted(found - known))
    applied = applied_revisions(config, known)
    if not wanted <= applied:
        state = "empty (never migrated)" if not found else f"at {', '.join(sorted(found))}"
        raise StartupError(
            f"the database schema is {state} but this version needs {', '.join(sorted(wanted))}; "
            "run `mlc db upgrade` (as the owner role) before starting"
        )
