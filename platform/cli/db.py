"""``mlc db``: schema migrations (run them as the owner role: DATABASE_OWNER_URL)."""

from __future__ import annotations

import asyncio

import click

from mlconnector.platform.cli.output import emit


def _context() -> tuple[str, list]:
    """The owner DSN and every migration folder; logging set up as in the other processes (JSON in a cluster,
    where this runs as the Helm migration hook)."""
    from mlconnector.platform.bootstrap import load_runtime_plugins
    from mlconnector.platform.logs import configure_logging
    from mlconnector.platform.settings import get_settings

    settings = get_settings()
    configure_logging(settings.log)
    return settings.database.owner_url, load_runtime_plugins(settings).migration_folders()


@click.group()
def db() -> None:
    """Database schema migrations."""


@db.command()
@click.argument("revision", default="heads")
def upgrade(revision: str) -> None:
    """Migrate up to REVISION (default: every head, core and plugins)."""
    from mlconnector.platform.db import migrate

    url, folders = _context()
    asyncio.run(migrate.upgrade(url, folders, revision))
    click.echo(f"schema upgraded to {revision}")


@db.command()
@click.argument("revision")
def downgrade(revision: str) -> None:
    """Migrate down to REVISION (`base` drops every table; `core@-1` steps the core back once)."""
    from mlconnector.platform.db import migrate

    url, folders = _context()
    asyncio.run(migrate.downgrade(url, revision, folders))
    click.echo(f"schema downgraded to {revision}")


@db.command()
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def current(as_json: bool) -> None:
    """Show the schema's revisions and whether they match this version's."""
    from mlconnector.platform.db import migrate

    url, folders = _context()
    config = migrate.alembic_config(folders)
    found = asyncio.run(migrate.database_heads(url))
    wanted = migrate.code_heads(config)
    current = wanted <= migrate.applied_revisions(config, found)
    emit(
        {"database": sorted(found), "code": sorted(wanted), "current": current},
        as_json,
        lambda: [
            f"database: {', '.join(sorted(found)) or '(empty)'}",
            f"code:     {', '.join(sorted(wanted))}",
            "up to date" if current else "needs `mlc db upgrade`",
        ],
    )
