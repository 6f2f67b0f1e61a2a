"""Wiring accounts into the app: sessions, CSRF, the API routes and their dependencies, and OpenAPI security."""

from __future__ import annotations

from litestar.config.app import AppConfig
from litestar.di import Provide

from mlconnector.platform.settings import Settings
from mlconnector.platform.vault.keyring import Keyring
from mlconnector.tenants.api import ROUTES
from mlconnector.tenants.auth.csrf import csrf_middleware
from mlconnector.tenants.auth.guards import provide_access, provide_principal
from mlconnector.tenants.auth.principal import Principal, TenantAccess
from mlconnector.tenants.auth.sessions import session_config
from mlconnector.tenants.mail import MailSender


def install_accounts(app_config: AppConfig, *, settings: Settings, keyring: Keyring, mail_sender: MailSender) -> None:
    secure = settings.server.public_base_url.startswith("https://")
    app_config.middleware.extend([session_config(secure=secure).middleware, csrf_middleware(keyring, secure=secure)])
    app_config.route_handlers.extend(ROUTES)

    def provide_keyring() -> Keyring:
        return keyring

    def provide_mail_sender() -> MailSender:
        return mail_sender

    app_config.dependencies.update(
        {
            "keyring": Provide(provide_keyring, sync_to_thread=False),
            "mail_sender": Provide(provide_mail_sender, sync_to_thread=False),
            "access": Provide(provide_access, sync_to_thread=False),
            "principal": Provide(provide_principal),
        }
    )
    app_config.signature_namespace.update(
        {"Keyring": Keyring, "MailSender": MailSender, "TenantAccess": TenantAccess, "Principal": Principal}
    )

