"""How the API documents its two ways in: an API token (Bearer) or the sign-in session cookie."""

from __future__ import annotations

from litestar.openapi.spec import Components, SecurityScheme

from mlconnector.tenants.auth.sessions import COOKIE_NAME

SECURITY_SCHEMES = {
    "ApiToken": SecurityScheme(
        type="http",
        scheme="bearer",
        description="A tenant API token (`mlcp_…`) from `POST /api/tenants/{id}/tokens` or `mlc token create`.",
    ),
    "SessionCookie": SecurityScheme(
        type="apiKey",
        name=COOKIE_NAME,
        security_scheme_in="cookie",
        description="Set by sign-in. Unsafe requests also need the X-CSRF-Token header (see `GET /api/auth/csrf`).",
    ),
}

SIGNED_IN = [{"ApiToken": []}, {"SessionCookie": []}]
"""For controllers that need a caller."""


def openapi_components() -> Components:
    return Components(security_schemes=dict(SECURITY_SCHEMES))
