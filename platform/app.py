"""``create_app()``: the ASGI application (Granian runs it with ``--factory``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from litestar import Litestar

    from mlconnector.platform.plugins.discovery import PluginSet
    from mlconnector.platform.settings import Settings
    from mlconnector.tenants.mail import MailSender


def create_app(
    settings: Settings | None = None,
    *,
    plugins: PluginSet | None = None,
    start_jobs: bool | None = None,
    mail_sender: MailSender | None = None,
) -> Litestar:
    """Build the app from settings (the environment by default) and the installed plugins.

    ``start_jobs`` defaults to running the job workers in-process when there is no Redis (the embedded default).
    ``mail_sender`` delivers password-reset and invitation emails (default: written to the log).
    """
    from litestar import Litestar

    from mlconnector.platform.bootstrap import load_runtime_plugins
    from mlconnector.platform.core import ApplicationCore
    from mlconnector.platform.logs import configure_logging
    from mlconnector.platform.settings import get_settings

    settings = settings or get_settings()
    configure_logging(settings.log)
    plugins = plugins if plugins is not None else load_runtime_plugins(settings)
    if start_jobs is None:
        start_jobs = settings.embedded and settings.jobs.embedded_workers
    return Litestar(plugins=[ApplicationCore(settings, plugins, start_jobs=start_jobs, mail_sender=mail_sender)])
