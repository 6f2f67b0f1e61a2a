"""``mlc serve``: the web process under Granian (ASGI), with in-process jobs in the embedded default."""

from __future__ import annotations

import click


@click.command()
@click.option("--host", default=None, help="Interface to bind (default MLC_HOST or 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port to bind (default MLC_PORT or 8000).")
@click.option("--workers", type=int, default=None, help="Granian worker processes (default MLC_WEB_WORKERS or 1).")
def serve(host: str | None, port: int | None, workers: int | None) -> None:
    """Serve the dashboard, the JSON API and the Web Connector endpoint."""
    from granian import Granian
    from granian.constants import Interfaces

    from mlconnector.platform.logs import granian_log_config
    from mlconnector.platform.settings import get_settings

    settings = get_settings()  # fail here, with one line, before Granian starts
    bind_host = host or settings.server.host
    bind_port = port or settings.server.port
    mode = "embedded (SQLite/in-process jobs)" if settings.embedded else "production (Redis workers)"
    click.echo(f"ml-connector on http://{bind_host}:{bind_port}  mode: {mode}", err=True)
    Granian(
        "mlconnector.platform.app:create_app",
        factory=True,
        interface=Interfaces.ASGI,
        address=bind_host,
        port=bind_port,
        workers=workers or settings.server.workers,
        log_level=settings.log.level,
        log_dictconfig=granian_log_config(settings.log),
        workers_kill_timeout=25,
    ).serve()
