"""Properties of every page, found from the app's own routes (so a new page is covered without editing this):
no secret is ever rendered, every form needs its CSRF field, and no reachable state gives a 500."""

from __future__ import annotations

import uuid

from litestar.testing import AsyncTestClient
from sqlalchemy import update
from sync_api.engine_helpers import open_shop
from web.web_pages import SQLITE_ONLY, sign_up_page, submit

from mlconnector.platform.db.engine import Database
from mlconnector.tenants.models import Tenant

SECRETS = {
    "consumer_secret": "cs-SECRET-1a2b",
    "access_token": "at-SECRET-3c4d",
    "access_token_secret": "ats-SECRET-5e",
}
PUBLIC = ("/", "/signup", "/login", "/logout", "/forgot-password", "/reset-password", "/invitations/accept")
FILES = ("/client-file", "items.csv")


def page_paths(client: AsyncTestClient, method: str, tenant_id: uuid.UUID | str) -> list[str]:
    """Every page route answering ``method``, with the tenant filled in."""
    paths = []
    for route in client.app.routes:
        if method in getattr(route, "methods", ()) and (route.path.startswith("/t/") or route.path in PUBLIC):
            paths.append(route.path.replace("{tenant_id:uuid}", str(tenant_id)))
    assert paths
    return sorted(set(paths))


async def connect_store_with_secrets(client: AsyncTestClient, tenant_id: uuid.UUID) -> None:
    data = {
        "plugin": "commerce",
        "base_url": "http://127.0.0.1:9",
        "auth_mode": "oauth1",
        "consumer_key": "ck-public",
        **SECRETS,
    }
    saved = await submit(client, f"/t/{tenant_id}/setup/store", data, page=f"/t/{tenant_id}/setup/store")
    assert saved.status_code == 303, saved.text[:1000]


async def test_no_page_renders_a_secret(client: AsyncTestClient, database: Database) -> None:
    shop = await open_shop(client, database, "owner@bikes.example")
    await connect_store_with_secrets(client, shop.tenant_id)
    tested = await submit(client, f"/t/{shop.tenant}/setup/test", {"plugin": "commerce"}, page=f"/t/{shop.tenant}/")
    bodies = [(await client.get(tested.headers["location"])).text]
    for path in page_paths(client, "GET", shop.tenant):
        if path != "/logout":
            for query in ("", "?number=000000001&q=SECRET&state=held&day=2026-01-05"):
                bodies.append((await client.get(path + query)).text)
    failed = await submit(
        client, f"/t/{shop.tenant}/setup/store", {"plugin": "commerce", "base_url": "x"}, page="/login"
    )
    bodies.append(failed.text)
    for body in bodies:
        for secret in SECRETS.values():
            assert secret not in body


async def test_every_form_is_refused_without_its_csrf_field(client: AsyncTestClient, database: Database) -> None:
    shop = await open_shop(client, database, "owner@bikes.example")
    await client.get(f"/t/{shop.tenant}/")  # the browser holds the CSRF cookie, the forged form lacks the field
    posts = page_paths(client, "POST", shop.tenant)
    assert len(posts) >= 20
    for path in posts:
        response = await client.post(path, data={"key": "invoice:1:000000001", "sku": "24-MB01", "item": "X"})
        assert response.status_code == 403, path
    still = await client.get(f"/t/{shop.tenant}/documents?state=held")
    assert "000000001" in still.text


async def test_no_page_fails_for_any_state_a_tenant_can_reach(
    client: AsyncTestClient, other_client: AsyncTestClient, database: Database
) -> None:
    fresh = await sign_up_page(other_client, "fresh@other.example", "Empty Shop")
    shop = await open_shop(client, database, "owner@bikes.example")
    queries = ("", "?number=999999999", "?page=0", "?day=2026-02-30", "?state=posted&q=none", "?plugin=nope")
    for browser, tenant in ((other_client, str(fresh)), (client, shop.tenant)):
        for path in page_paths(browser, "GET", tenant):
            if path == "/logout":
                continue
            for query in queries:
                response = await browser.get(path + query, follow_redirects=False)
                assert response.status_code < 500, (path + query, response.text[:500])
                assert response.status_code in (200, 303, 409) or any(path.endswith(f) for f in FILES), path


async def test_a_sandbox_tenant_is_labelled_on_every_page(client: AsyncTestClient, database: Database) -> None:
    tenant_id = await sign_up_page(client, "owner@bikes.example")
    assert "Sandbox" not in (await client.get(f"/t/{tenant_id}/")).text
    async with database.session(tenant_id) as session:
        await session.execute(update(Tenant).where(Tenant.id == tenant_id).values(is_sandbox=True))
    for path in page_paths(client, "GET", tenant_id):
        if path.startswith("/t/") and not path.endswith(FILES) and "/contact" not in path:
            response = await client.get(path)
            assert 'class="sandbox-banner"' in response.text, path


@SQLITE_ONLY
async def test_an_unknown_address_is_a_page_for_browsers_and_json_for_the_api(client: AsyncTestClient) -> None:
    tenant_id = await sign_up_page(client, "owner@bikes.example")
    page = await client.get(f"/t/{tenant_id}/no-such-page", headers={"accept": "text/html"})
    assert page.status_code == 404 and "There is no page at this address" in page.text
    api = await client.get("/api/no-such-thing", headers={"accept": "text/html"})
    assert api.status_code == 404 and api.json()["status"] == 404
