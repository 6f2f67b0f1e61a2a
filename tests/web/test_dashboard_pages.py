"""The dashboard and its actions for an organisation with QuickBooks connected and documents in several states."""

from __future__ import annotations

import re

from litestar.testing import AsyncTestClient
from sync_api.engine_helpers import open_shop, run_jobs
from web.web_pages import SQLITE_ONLY, sign_up_page, submit

from mlconnector.platform.db.engine import Database
from mlconnector.platform.sync.document_list import list_holds
from mlconnector.platform.sync.documents import get_document

HELD = "invoice:1:000000001"


async def state_of(database: Database, tenant_id, key: str) -> str:  # type: ignore[no-untyped-def]
    async with database.session(tenant_id) as session:
        row = await get_document(session, key=key)
    assert row is not None
    return row.state


async def payment_method_holds(database: Database, tenant_id) -> list[str]:  # type: ignore[no-untyped-def]
    async with database.session(tenant_id) as session:
        page = await list_holds(session, limit=50)
    return [row.key for row in page.rows if row.hold_code == "unmapped_payment_method"]


async def test_dashboard_shows_holds_with_their_reason_and_a_mapping_form(
    client: AsyncTestClient, database: Database
) -> None:
    shop = await open_shop(client, database, "owner@bikes.example")
    page = await client.get(f"/t/{shop.tenant}/")
    assert page.status_code == 200
    assert "Needs your attention" in page.text and "000000001" in page.text
    assert "QuickBooks item for SKU 24-MB01" in page.text
    assert "documents synced today" in page.text and "<svg" in page.text
    assert "Last Web Connector contact" in page.text
    assert "Today&#39;s variance report" in page.text or "Today's variance report" in page.text


async def test_mapping_a_held_sku_in_place_posts_it_again(client: AsyncTestClient, database: Database) -> None:
    shop = await open_shop(client, database, "owner@bikes.example")
    base = f"/t/{shop.tenant}"
    done = await submit(
        client,
        f"{base}/actions/map-item",
        {"sku": "24-MB01", "item": "Bags:Joust Duffle Bag", "next": base + "/"},
        page=base + "/",
    )
    assert done.status_code == 303 and done.headers["location"] == base + "/"
    assert await state_of(database, shop.tenant_id, HELD) == "pending"
    await run_jobs(database)
    assert await state_of(database, shop.tenant_id, HELD) == "queued"
    after = await client.get(base + "/")
    assert "SKU 24-MB01 now posts to" in after.text
    assert "QuickBooks item for SKU 24-MB01" not in after.text


async def test_skip_and_retry_through_the_buttons(client: AsyncTestClient, database: Database) -> None:
    shop = await open_shop(client, database, "owner@bikes.example")
    base = f"/t/{shop.tenant}"
    retried = await submit(client, f"{base}/actions/retry", {"key": HELD}, page=base + "/")
    assert retried.status_code == 303
    await run_jobs(database)
    assert await state_of(database, shop.tenant_id, HELD) == "held"  # still unmapped: held again, with its reason
    skipped = await submit(client, f"{base}/actions/skip", {"key": HELD}, page=base + "/")
    assert skipped.status_code == 303
    assert await state_of(database, shop.tenant_id, HELD) == "skipped"
    again = await submit(client, f"{base}/actions/skip", {"key": HELD}, page=base + "/")
    followed = await client.get(again.headers["location"])
    assert "only held, failed, waiting or pending documents can be skipped" in followed.text


async def test_audit_search_shows_each_step_and_the_raw_qbxml_escaped(
    client: AsyncTestClient, database: Database
) -> None:
    shop = await open_shop(client, database, "owner@bikes.example")
    page = await client.get(f"/t/{shop.tenant}/audit?number=000000002")
    assert page.status_code == 200
    assert "step(s) for 000000002" in page.text
    pre = re.findall(r'<pre class="qbxml">(.*?)</pre>', page.text, re.S)
    assert pre and any("&lt;InvoiceAdd" in block or "&lt;CustomerAdd" in block for block in pre)
    assert all("<InvoiceAdd" not in block for block in pre)
    unknown = await client.get(f"/t/{shop.tenant}/audit?number=<script>nope")
    assert unknown.status_code == 200 and "Nothing is recorded for" in unknown.text
    assert "<script>nope" not in unknown.text


async def test_documents_list_pages_and_filters(client: AsyncTestClient, database: Database) -> None:
    shop = await open_shop(client, database, "owner@bikes.example")
    base = f"/t/{shop.tenant}/documents"
    everything = await client.get(base)
    assert everything.status_code == 200 and "000000003" in everything.text
    held = await client.get(base + "?state=held")
    assert "000000001" in held.text and "000000003" not in held.text
    for odd in ("?page=999", "?page=x", "?state=nonsense", "?number=%00"):
        assert (await client.get(base + odd)).status_code == 200, odd


async def test_another_organisations_pages_are_not_found(
    client: AsyncTestClient, other_client: AsyncTestClient, database: Database
) -> None:
    shop = await open_shop(client, database, "owner@bikes.example")
    await sign_up_page(other_client, "owner@other.example", "Other Shop")
    base = f"/t/{shop.tenant}"
    for path in ("/", "/documents", "/audit?number=000000001", "/variance", "/contact"):
        response = await other_client.get(base + path, follow_redirects=False)
        assert response.status_code == 404, path
        assert "000000001" not in response.text
    forged = await submit(other_client, f"{base}/actions/skip", {"key": HELD}, page="/login")
    assert forged.status_code == 404
    assert await state_of(database, shop.tenant_id, HELD) == "held"


@SQLITE_ONLY
async def test_a_fresh_organisation_sees_every_page_without_errors(client: AsyncTestClient) -> None:
    tenant_id = await sign_up_page(client, "new@bikes.example")
    base = f"/t/{tenant_id}"
    for path in ("/", "/documents", "/audit", "/audit?number=123", "/variance", "/variance?day=bad", "/contact"):
        response = await client.get(base + path)
        assert response.status_code == 200, (path, response.text[:300])
    assert "Setup is not finished" in (await client.get(base + "/")).text


async def test_an_unmapped_payment_method_is_fixed_in_place(client: AsyncTestClient, database: Database) -> None:
    import msgspec
    from qbd.helpers import invoice

    from mlconnector.platform.documents import encode_document
    from mlconnector.platform.plugins import SourceRecord, store_records

    shop = await open_shop(client, database, "owner@bikes.example", invoices=2)
    paid = invoice(7, paid=True, sku="24-WB04")
    assert paid.payment is not None
    paid = msgspec.structs.replace(paid, payment=msgspec.structs.replace(paid.payment, method="banktransfer"))
    record = SourceRecord(
        stream="order",
        key="raw:7",
        source_id="7",
        updated_at=None,
        payload={"document": encode_document(paid).decode()},
    )
    async with database.session(shop.tenant_id) as session:
        await store_records(session, "testplug", [record])
    await run_jobs(database)
    base = f"/t/{shop.tenant}"
    page = await client.get(base + "/")
    assert "QuickBooks payment method for “banktransfer”" in page.text
    held = await payment_method_holds(database, shop.tenant_id)
    assert held
    done = await submit(
        client, f"{base}/actions/map-payment-method", {"code": "banktransfer", "name": "Check"}, page=base + "/"
    )
    assert "now posts as" in (await client.get(done.headers["location"])).text
    await run_jobs(database)
    assert await payment_method_holds(database, shop.tenant_id) == []
