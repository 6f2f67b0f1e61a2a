"""``mlc``: one command line for the web process, workers, migrations and operators.

Connector plugins add their own command groups (``mlc qbwc …``, ``mlc commerce …``) through the ``cli`` hook.
"""

from __future__ import annotations

import sys

import click

from mlconnector.platform.cli.app import cli


def main() -> None:
    """Console-script entry point: settings and plugin errors become one line on stderr and exit status 2."""
    from mlconnector.platform.errors import MlcError

    try:
        cli.main(standalone_mode=False, prog_name="mlc")
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except MlcError as error:
        click.echo(f"mlc: {error}", err=True)
        sys.exit(2)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)


__all__ = ["cli", "main"]
