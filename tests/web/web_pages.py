"""Driving the pages as a browser does: form posts with the CSRF field, following the site's own redirects."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from httpx import Response
from litestar.testing import AsyncTestClient
from mlc_testing.accounts import PASSWORD

SQLITE_ONLY = pytest.mark.parametrize("app_database", ["sqlite"], indirect=True)
"""For a page test whose behaviour does not depend on the database: it runs once, on the embedded default. Every
route still runs on PostgreSQL as the runtime role elsewhere — ``test_page_safety`` visits every page and posts every
form there, the dashboard and setup tests with documents keep their PostgreSQL pairing, and the same account,
invitation and token services are tested on both backends in ``tests/tenants``."""

CSRF_FIELD = re.compile(r'name="_csrf_token" value="([^"]+)"')


async def csrf_field(client: AsyncTestClient, page: str = "/login") -> str:
    """The hidden field a page's forms carry (it echoes the ``mlc_csrf`` cookie)."""
    response = await client.get(page)
    found = CSRF_FIELD.search(response.text)
    assert found, f"{page} has no CSRF field"
    return found.group(1)


async def submit(
    client: AsyncTestClient, url: str, data: dict[str, Any], *, page: str = "/login", files: Any = None
) -> Response:
    """POST a form from ``page`` (not following the redirect, so tests see where it leads)."""
    token = await csrf_field(client, page)
    return await client.post(url, data={**data, "_csrf_token": token}, files=files, follow_redirects=False)


async def sign_up_page(client: AsyncTestClient, email: str, organisation: str = "Acme Bikes") -> uuid.UUID:
    """Sign up through the form; returns the new organisation's id (from the redirect to its setup)."""
    response = await submit(
        client, "/signup", {"email": email, "password": PASSWORD, "organisation": organisation}, page="/signup"
    )
    assert response.status_code == 303, response.text
    found = re.match(r"^/t/([0-9a-f-]{36})/setup$", response.headers["location"])
    assert found, response.headers["location"]
    return uuid.UUID(found.group(1))


SECRET = "tok-SECRET-7f3a9c"


async def save_store(client: AsyncTestClient, tenant_id: uuid.UUID, **extra: str) -> Response:
    data = {
        "plugin": "commerce",
        "base_url": "http://127.0.0.1:9",
        "platform": "paas",
        "auth_mode": "bearer",
        "access_token": SECRET,
        "verify_tls__present": "1",
        "verify_tls": "on",
        **extra,
    }
    return await submit(client, f"/t/{tenant_id}/setup/store", data, page=f"/t/{tenant_id}/setup/store")
