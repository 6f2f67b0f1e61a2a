"""``mlc plugins``: which connector plugins this installation loads."""

from __future__ import annotations

import click

from mlconnector.platform.cli.output import emit


@click.command("plugins")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def plugins_command(as_json: bool) -> None:
    """List loaded connector plugins (entry-point group mlconnector.connectors)."""
    from mlconnector.platform.bootstrap import load_runtime_plugins
    from mlconnector.platform.settings import get_settings

    loaded = load_runtime_plugins(get_settings())
    rows = [
        {
            "name": name,
            "kind": entry.plugin.kind,
            "title": entry.plugin.title,
            "api": entry.plugin.plugin_api_version,
            "distribution": f"{entry.distribution} {entry.version}",
            "capabilities": sorted(entry.plugin.capabilities),
        }
        for name, entry in sorted(loaded.loaded.items())
    ]

    def lines() -> list[str]:
        shown = [
            f"{row['name']:<12} {row['kind']:<6} {row['title']:<28} api {row['api']:<5} {row['distribution']}"
            for row in rows
        ] or ["no connector plugins installed"]
        return shown + [f"{name:<12} (installed, not in MLC_PLUGINS)" for name in loaded.skipped]

    emit({"plugins": rows, "skipped": list(loaded.skipped)}, as_json, lines)
