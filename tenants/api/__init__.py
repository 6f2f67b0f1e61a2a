"""The JSON API of accounts, tenants and connections (documented in the OpenAPI at ``/schema``).

Thin controllers: parse, call a service, shape the answer. Every unsafe request authenticated by the sign-in
cookie needs the CSRF header; API-token requests (``Authorization: Bearer``) do not.
"""

from mlconnector.tenants.api.auth import AuthController
from mlconnector.tenants.api.connections import ConnectionController, ConnectorController
from mlconnector.tenants.api.invitations import InvitationAcceptController, InvitationController
from mlconnector.tenants.api.me import MeController
from mlconnector.tenants.api.tenants import TenantController
from mlconnector.tenants.api.tokens import TokenController

ROUTES = [
    AuthController,
    MeController,
    TenantController,
    InvitationController,
    InvitationAcceptController,
    TokenController,
    ConnectionController,
    ConnectorController,
]

__all__ = ["ROUTES"]
