"""``mlc vault``: key-encryption keys — make one, re-wrap every data key under the active one, see where they are."""

from __future__ import annotations

import asyncio

import click

from mlconnector.platform.cli.output import emit


@click.group()
def vault() -> None:
    """The credential vault's key-encryption keys (KEKs)."""


@vault.command("new-kek")
@click.option("--id", "kek_id", default=None, help="Key id (default: k<date><time>).")
def new_kek(kek_id: str | None) -> None:
    """Print a fresh `id:base64` KEK to put first in MLC_VAULT_KEKS."""
    from mlconnector.platform.settings._env import KEY_ID
    from mlconnector.platform.vault import new_kek_value

    if kek_id is not None and not KEY_ID.match(kek_id):
        raise click.BadParameter("1-64 letters, digits, '.', '_' or '-'", param_hint="--id")
    click.echo(new_kek_value(kek_id))


@vault.command("rotate-kek")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def rotate_kek(as_json: bool) -> None:
    """Re-wrap every tenant's data key under the active KEK (MLC_VAULT_ACTIVE_KEK, else the first).

    Secrets are never decrypted. Safe to run again or to interrupt: keys already under the active KEK are skipped.
    """
    from mlconnector.platform.db.engine import Database
    from mlconnector.platform.logs import configure_logging
    from mlconnector.platform.settings import get_settings
    from mlconnector.platform.vault import RotationReport, keyring_from_settings
    from mlconnector.platform.vault import rotate_kek as rotate

    settings = get_settings()
    configure_logging(settings.log)  # to stderr: stdout is the report
    keyring = keyring_from_settings(settings.vault)

    async def run() -> RotationReport:
        database = Database(settings.database.url, null_pool=True)
        try:
            return await rotate(database, keyring)
        finally:
            await database.dispose()

    report = asyncio.run(run())
    data = {
        "active_kek": report.active_kek_id,
        "rewrapped": report.rewrapped,
        "keys_by_kek": report.keys_by_kek,
        "retirable": report.retirable,
    }

    def lines() -> list[str]:
        out = [f"re-wrapped {report.rewrapped} data key(s); every data key is now under KEK {report.active_kek_id}"]
        out += [f"  {kek_id}: {count} data key(s)" for kek_id, count in sorted(report.keys_by_kek.items())]
        if report.retirable:
            out.append(
                f"no data key needs {', '.join(report.retirable)} any more: you may remove it from MLC_VAULT_KEKS"
            )
        return out

    emit(data, as_json, lines)
