"""The setup wizard: each step saved and resumable, secrets write-only, the Web Connector password shown once."""

from __future__ import annotations

import re
import uuid

from litestar.testing import AsyncTestClient
from sync_api.engine_helpers import open_shop
from web.web_pages import SECRET, SQLITE_ONLY, save_store, sign_up_page, submit

from mlconnector.platform.db.engine import Database

STEPS = ("store", "books", "contact", "items", "accounting", "preview", "live")


@SQLITE_ONLY
async def test_a_fresh_organisation_starts_at_the_store_and_sees_every_step(client: AsyncTestClient) -> None:
    tenant_id = await sign_up_page(client, "owner@bikes.example")
    start = await client.get(f"/t/{tenant_id}/setup", follow_redirects=False)
    assert start.headers["location"] == f"/t/{tenant_id}/setup/store"
    for step in STEPS:
        page = await client.get(f"/t/{tenant_id}/setup/{step}")
        assert page.status_code == 200, (step, page.text[:500])
    store = await client.get(f"/t/{tenant_id}/setup/store")
    for label in ("OAuth 1.0a", "integration access token", "IMS"):
        assert label in store.text
    assert (await client.get(f"/t/{tenant_id}/setup/contact/status")).status_code == 200
    assert (await client.get(f"/t/{tenant_id}/setup/books/client-file")).status_code == 409


@SQLITE_ONLY
async def test_store_secrets_are_write_only_and_test_connection_says_what_to_do(client: AsyncTestClient) -> None:
    tenant_id = await sign_up_page(client, "owner@bikes.example")
    saved = await save_store(client, tenant_id)
    assert saved.status_code == 303, saved.text[:800]
    page = await client.get(f"/t/{tenant_id}/setup/store")
    assert "Set</span>, last changed" in page.text and SECRET not in page.text
    kept = await save_store(client, tenant_id, access_token="")  # empty keeps the stored secret
    assert kept.status_code == 303
    tested = await submit(
        client, f"/t/{tenant_id}/setup/test", {"plugin": "commerce"}, page=f"/t/{tenant_id}/setup/store"
    )
    result = await client.get(tested.headers["location"])
    assert "Last test" in result.text and SECRET not in result.text
    assert (await client.get(f"/t/{tenant_id}/setup", follow_redirects=False)).headers["location"].endswith("/books")


@SQLITE_ONLY
async def test_store_form_problems_are_shown_beside_their_fields(client: AsyncTestClient) -> None:
    tenant_id = await sign_up_page(client, "owner@bikes.example")
    bad = await save_store(client, tenant_id, base_url="not a url", access_token="", page_size="many")
    assert bad.status_code == 400
    assert "Nothing was saved" in bad.text or "field-error" in bad.text
    assert SECRET not in bad.text


@SQLITE_ONLY
async def test_web_connector_password_is_shown_once_with_the_qwc_download(client: AsyncTestClient) -> None:
    tenant_id = await sign_up_page(client, "owner@bikes.example")
    base = f"/t/{tenant_id}/setup"
    issued = await submit(client, f"{base}/books", {"username": f"qb-{uuid.uuid4().hex[:8]}"}, page=f"{base}/books")
    assert issued.status_code == 200 and issued.headers["cache-control"] == "no-store"
    password = re.search(r'<dt>Password</dt><dd class="once">([^<]+)</dd>', issued.text)
    assert password, issued.text[:2000]
    again = await client.get(f"{base}/books")
    assert password.group(1) not in again.text and "Download the .qwc file" in again.text
    qwc = await client.get(f"{base}/books/client-file")
    assert qwc.status_code == 200 and ".qwc" in qwc.headers["content-disposition"]
    assert b"<QBWCXML>" in qwc.content and password.group(1).encode() not in qwc.content
    waiting = await client.get(f"{base}/contact/status")
    assert "Waiting for the Web Connector" in waiting.text


async def test_items_mapping_csv_accounting_and_preview(client: AsyncTestClient, database: Database) -> None:
    shop = await open_shop(client, database, "owner@bikes.example")
    base = f"/t/{shop.tenant}/setup"
    items = await client.get(f"{base}/items")
    assert "QuickBooks item for SKU 24-MB01" in items.text and "Push It Messenger Bag" in items.text
    bad = await submit(
        client, f"{base}/items/csv", {}, page=f"{base}/items", files={"file": ("m.csv", b"sku,item\n,x\n")}
    )
    assert "Nothing was imported" in (await client.get(bad.headers["location"])).text
    good = await submit(
        client,
        f"{base}/items/csv",
        {},
        page=f"{base}/items",
        files={"file": ("m.csv", b"sku,item\n24-MB01,Bags:Duffle\n")},
    )
    assert "Imported: 1 added" in (await client.get(good.headers["location"])).text
    assert "24-MB01,Bags:Duffle" in (await client.get(f"{base}/items.csv")).text
    searched = await client.get(f"{base}/items?q=duffle")
    assert "Bags:Duffle" in searched.text and "Push It Messenger Bag" not in searched.text
    accounting = await client.get(f"{base}/accounting")
    assert 'name="shipping_item"' in accounting.text
    saved = await submit(
        client,
        f"{base}/accounting",
        {"shipping_item": "Freight", "shipping_item__present": "1"},
        page=f"{base}/accounting",
    )
    assert saved.status_code == 303 and saved.headers["location"] == f"{base}/preview"
    assert 'value="Freight"' in (await client.get(f"{base}/accounting")).text
    preview = await client.get(f"{base}/preview")
    assert preview.status_code == 200 and "&lt;" in preview.text and '<pre class="qbxml">' in preview.text
    live = await submit(client, f"{base}/live", {}, page=f"{base}/live")
    assert live.headers["location"] == f"{base}/store"  # the test store is not a connection: nothing to read yet
