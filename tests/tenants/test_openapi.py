"""Every account and connection action is in the OpenAPI document, with how to authenticate."""

from __future__ import annotations

import pytest

ACTIONS = [
    ("post", "/api/auth/signup"),
    ("post", "/api/auth/login"),
    ("post", "/api/auth/logout"),
    ("post", "/api/auth/password-reset"),
    ("post", "/api/auth/password-reset/confirm"),
    ("get", "/api/me"),
    ("post", "/api/tenants"),
    ("get", "/api/tenants/{tenant_id}/members"),
    ("post", "/api/tenants/{tenant_id}/invitations"),
    ("post", "/api/invitations/accept"),
    ("post", "/api/tenants/{tenant_id}/tokens"),
    ("delete", "/api/tenants/{tenant_id}/tokens/{token_id}"),
    ("put", "/api/tenants/{tenant_id}/connections/{plugin}"),
    ("post", "/api/tenants/{tenant_id}/connections/{plugin}/ping"),
]


@pytest.mark.parametrize("app_database", ["sqlite"], indirect=True)
async def test_the_api_is_documented(client) -> None:
    schema = (await client.get("/schema/openapi.json")).json()
    for method, path in ACTIONS:
        operation = schema["paths"][path][method]
        assert operation.get("summary"), (method, path)
    assert set(schema["components"]["securitySchemes"]) == {"ApiToken", "SessionCookie"}
    assert schema["paths"]["/api/tenants/{tenant_id}/tokens"]["post"]["security"] == [
        {"ApiToken": []},
        {"SessionCookie": []},
    ]
    put = schema["paths"]["/api/tenants/{tenant_id}/connections/{plugin}"]["put"]
    assert "requestBody" in put
