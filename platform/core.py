"""``ApplicationCore``: the one Litestar plugin that wires the app — routes, dependencies, errors, OpenAPI and
the lifespan that opens the database and, in the embedded default, runs the jobs in-process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

import structlog
from litestar import Router
from litestar.config.app import AppConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import HTTPException
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin, SwaggerRenderPlugin
from litestar.plugins import InitPlugin

from mlconnector.platform import migrate_on_start
from mlconnector.platform.db.engine import Database
from mlconnector.platform.errors import MlcError
from mlconnector.platform.http.errors import domain_error, http_error, unexpected_error
from mlconnector.platform.http.health import HealthController
from mlconnector.platform.http.metrics import metrics
from mlconnector.platform.http.request_context import request_context_middleware
from mlconnector.platform.jobs.registry import registry
from mlconnector.platform.plugins.discovery import PluginSet
from mlconnector.platform.sandbox.api import SandboxController, SandboxTenantController
from mlconnector.platform.settings import Settings
from mlconnector.platform.sync import handlers as _engine_handlers  # noqa: F401  (engine jobs and gauges)
from mlconnector.platform.sync.api import ROUTES as SYNC_ROUTES
from mlconnector.platform.vault.keyring import keyring_from_settings
from mlconnector.tenants.auth.install import install_accounts
from mlconnector.tenants.auth.openapi import openapi_components
from mlconnector.tenants.auth.session_store import DatabaseSessionStore
from mlconnector.tenants.auth.sessions import STORE_NAME as SESSION_STORE
from mlconnector.tenants.mail import LogMailSender, MailSender
from mlconnector.web.install import install_web

if TYPE_CHECKING:
    from litestar import Litestar

    from mlconnector.platform.jobs.runtime import JobRuntime

log = structlog.get_logger(__name__)
VERSION = "0.1.0"


class ApplicationCore(InitPlugin):
    """Wires settings, database, plugins and jobs into a Litestar app."""

    def __init__(
        self, settings: Settings, plugins: PluginSet, *, start_jobs: bool, mail_sender: MailSender | None = None
    ) -> None:
        self.settings = settings
        self.plugins = plugins
        self.start_jobs = start_jobs
        self.mail_sender = mail_sender or LogMailSender()

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        self._configure_routes(app_config)
        self._configure_dependencies(app_config)
        self._configure_errors(app_config)
        self._configure_openapi(app_config)
        app_config.middleware.insert(0, request_context_middleware)
        install_accounts(
            app_config,
            settings=self.settings,
            keyring=keyring_from_settings(self.settings.vault),
            mail_sender=self.mail_sender,
        )
        install_web(app_config)
        app_config.request_max_body_size = self.settings.server.max_body_bytes
        app_config.logging_config = None  # structlog is configured by create_app()
        app_config.lifespan.append(self._lifespan)
        return app_config

    def _configure_routes(self, app_config: AppConfig) -> None:
        app_config.route_handlers.append(HealthController)
        app_config.route_handlers.extend(SYNC_ROUTES)  # guarded like the accounts API (tenants/auth)
        app_config.route_handlers.extend([SandboxController, SandboxTenantController])
        if self.settings.metrics.enabled:
            app_config.route_handlers.append(metrics)
        for plugin in self.plugins:
            handlers = list(plugin.routes())
            if handlers:
                app_config.route_handlers.append(
                    Router(path=f"/connectors/{plugin.name}", route_handlers=handlers, tags=[plugin.name])
                )

    def _configure_dependencies(self, app_config: AppConfig) -> None:
        settings, plugins = self.settings, self.plugins

        def provide_settings() -> Settings:
            return settings

        def provide_plugins() -> PluginSet:
            return plugins

        def provide_database(state: State) -> Database:
            return state.database

        app_config.dependencies.update(
            {
                "settings": Provide(provide_settings, sync_to_thread=False),
                "plugins": Provide(provide_plugins, sync_to_thread=False),
                "database": Provide(provide_database, sync_to_thread=False),
            }
        )
        app_config.signature_namespace.update({"Settings": Settings, "PluginSet": PluginSet, "Database": Database})

    def _configure_errors(self, app_config: AppConfig) -> None:
        app_config.exception_handlers.update(
            {HTTPException: http_error, MlcError: domain_error, Exception: unexpected_error}
        )

    def _configure_openapi(self, app_config: AppConfig) -> None:
        app_config.openapi_config = OpenAPIConfig(
            title="ml-connector",
            version=VERSION,
            description="Adobe Commerce → QuickBooks Desktop sync. JSON API for dashboards, partners and scripts.",
            path="/schema",
            render_plugins=[ScalarRenderPlugin(), SwaggerRenderPlugin(path="/swagger")],
            components=openapi_components(),
        )

    @asynccontextmanager
    async def _lifespan(self, app: Litestar) -> AsyncIterator[None]:
        settings = self.settings
        await migrate_on_start.prepare_schema(settings, self.plugins)
        database = Database(settings.database.url, pool_size=settings.database.pool_size)
        app.state.database = database
        app.stores.register(SESSION_STORE, DatabaseSessionStore(database), allow_override=True)
        runtime = self._start_jobs() if self.start_jobs else None
        log.info("ml-connector ready", embedded=settings.embedded, database=database.dialect, jobs=bool(runtime))
        try:
            yield
        finally:
            if runtime is not None:
                runtime.stop()
            await database.dispose()

    def _start_jobs(self) -> JobRuntime:
        from mlconnector.platform.jobs.runtime import JobRuntime

        runtime = JobRuntime(self.settings, registry)
        runtime.start()
        return runtime
