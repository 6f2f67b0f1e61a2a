"""``mlc worker``: a job worker process (production shape; needs REDIS_URL)."""

from __future__ import annotations

import signal
import threading

import click


@click.command()
@click.option("--threads", type=int, default=None, help="Jobs run at once (default MLC_WORKER_THREADS or 4).")
def worker(threads: int | None) -> None:
    """Run background jobs from Redis until SIGTERM/SIGINT. Several may run; each job runs once."""
    import asyncio
    import dataclasses

    from mlconnector.platform.bootstrap import load_runtime_plugins
    from mlconnector.platform.db import migrate
    from mlconnector.platform.errors import SettingsError
    from mlconnector.platform.jobs.registry import registry
    from mlconnector.platform.jobs.runtime import JobRuntime
    from mlconnector.platform.logs import configure_logging
    from mlconnector.platform.observability.worker_endpoint import WorkerEndpoint
    from mlconnector.platform.settings import get_settings

    settings = get_settings()
    if settings.embedded:
        raise SettingsError("REDIS_URL", "is required for `mlc worker`; without it `mlc serve` runs the jobs itself")
    if threads:
        settings = dataclasses.replace(settings, jobs=dataclasses.replace(settings.jobs, worker_threads=threads))
    configure_logging(settings.log)
    plugins = load_runtime_plugins(settings)
    asyncio.run(migrate.ensure_current(settings.database.url, plugins.migration_folders()))
    runtime = JobRuntime(settings, registry)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    endpoint = None
    if settings.metrics.worker_port:  # bind before starting work: a taken port stops here, with nothing running
        host, port = settings.metrics.worker_host, settings.metrics.worker_port
        try:
            endpoint = WorkerEndpoint(host, port, runtime.health)
        except OSError as error:
            raise click.ClickException(f"cannot listen on {host}:{port} (MLC_WORKER_METRICS_PORT): {error}") from None
    runtime.start()
    if endpoint is not None:
        endpoint.start()
    click.echo(f"worker running {settings.jobs.worker_threads} threads; Ctrl+C to stop", err=True)
    stop.wait()
    if endpoint is not None:
        endpoint.stop()
    runtime.stop()
