"""The tenants area's tables: tenants, users and their memberships, invitations, API tokens, password resets,
sign-in throttles and sessions, and each tenant's connections with their sealed secrets."""

from mlconnector.tenants.models.api_token import ApiToken
from mlconnector.tenants.models.connection import Connection, ConnectionSecret
from mlconnector.tenants.models.invitation import Invitation
from mlconnector.tenants.models.login_throttle import LoginThrottle
from mlconnector.tenants.models.membership import Membership
from mlconnector.tenants.models.password_reset import PasswordReset
from mlconnector.tenants.models.tenant import Tenant
from mlconnector.tenants.models.user import User
from mlconnector.tenants.models.web_session import WebSession

__all__ = [
    "ApiToken",
    "Connection",
    "ConnectionSecret",
    "Invitation",
    "LoginThrottle",
    "Membership",
    "PasswordReset",
    "Tenant",
    "User",
    "WebSession",
]
