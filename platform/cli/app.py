"""The ``mlc`` group: core commands, plus whatever installed plugins contribute."""

from __future__ import annotations

import click

from mlconnector.platform.cli.db import db
from mlconnector.platform.cli.items import items
from mlconnector.platform.cli.jobs import jobs
from mlconnector.platform.cli.plugins import plugins_command
from mlconnector.platform.cli.sandbox import sandbox
from mlconnector.platform.cli.serve import serve
from mlconnector.platform.cli.settings import settings_group
from mlconnector.platform.cli.status import status
from mlconnector.platform.cli.sync import sync
from mlconnector.platform.cli.vault import vault
from mlconnector.platform.cli.worker import worker
from mlconnector.tenants.cli.connection import connection
from mlconnector.tenants.cli.tenant import tenant
from mlconnector.tenants.cli.token import token


class _Group(click.Group):
    """Adds plugin commands on first use, so ``mlc --help`` and typos list them too."""

    def _add_plugin_commands(self, ctx: click.Context) -> None:
        if getattr(self, "_plugins_added", False):
            return
        self._plugins_added = True
        from mlconnector.platform.bootstrap import load_runtime_plugins
        from mlconnector.platform.errors import PluginError
        from mlconnector.platform.settings import get_settings

        for plugin in load_runtime_plugins(get_settings()):
            for command in plugin.cli():
                if command.name in self.commands:
                    raise PluginError(f"plugin {plugin.name!r} adds command {command.name!r}, which already exists")
                self.add_command(command)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._add_plugin_commands(ctx)
        return super().list_commands(ctx)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        command = super().get_command(ctx, name)
        if command is None:
            self._add_plugin_commands(ctx)
            command = super().get_command(ctx, name)
        return command


def build_cli() -> click.Group:
    """A fresh ``mlc`` group (tests build their own to add plugins of their choosing)."""

    @click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
    @click.version_option("0.1.0", prog_name="ml-connector")
    def cli() -> None:
        """ml-connector: Adobe Commerce → QuickBooks Desktop, through the QuickBooks Web Connector.

        With no configuration everything runs in one process on a SQLite file (`mlc serve`). Set DATABASE_URL and
        REDIS_URL for PostgreSQL + Redis with separate `mlc worker` processes.
        """

    commands = (
        serve,
        worker,
        db,
        jobs,
        status,
        plugins_command,
        sandbox,
        sync,
        settings_group,
        items,
        vault,
        tenant,
        token,
        connection,
    )
    for command in commands:
        cli.add_command(command)
    return cli


cli = build_cli()
