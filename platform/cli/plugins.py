"""``mlc plugins``: which connector plugins this installation loads."""

from __future__ import annotations

import json

import click


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
    if as_json:
        click.echo(json.dumps({"plugins": rows, "skipped": list(loaded.skipped)}))
        return
    if not rows:
        click.echo("no connector plugins installed")
    for row in rows:
        click.echo(f"{row['name']:<12} {row['kind']:<6} {row['title']:<28} api {row['api']:<5} {row['distribution']}")
    for name in loaded.skipped:
        click.echo(f"{name:<12} (installed, not in MLC_PLUGINS)")
