"""The engine's JSON API as a dashboard or a script uses it: documents and their trails, holds and the fixes,
settings, SKU mappings as CSV, preview and variance — and who may do what."""

from __future__ import annotations

from datetime import UTC, datetime

from mlc_testing.accounts import csrf
from sync_api.engine_helpers import bearer, open_shop, run_jobs
from sync_api.test_sync_settings import window_around

HELD_REASON = "SKU 24-MB01 has no QuickBooks item"


async def test_documents_list_filters_pages_and_counts(client, database) -> None:
    shop = await open_shop(client, database, "ann@alpha.example", invoices=5)
    everything = (await client.get(shop.url("/documents"))).json()
    assert everything["total"] == 5 and len(everything["items"]) == 5
    page = (await client.get(shop.url("/documents"), params={"limit": 2, "offset": 2})).json()
    assert (page["total"], len(page["items"]), page["offset"]) == (5, 2, 2)
    assert {d["key"] for d in page["items"]} < {d["key"] for d in everything["items"]}
    held = (await client.get(shop.url("/documents"), params={"state": "held"})).json()
    assert [(d["number"], d["hold"]["reason"]) for d in held["items"]] == [("000000001", HELD_REASON)]
    several = (await client.get(shop.url("/documents"), params=[("state", "held"), ("state", "queued")])).json()
    assert several["total"] == 5
    found = (await client.get(shop.url("/documents"), params={"number": "000000003"})).json()
    assert [d["key"] for d in found["items"]] == ["invoice:1:000000003"] and found["items"][0]["grand_total"] == "77.20"
    assert (await client.get(shop.url("/documents"), params={"number": "999"})).json()["total"] == 0
    refused = await client.get(shop.url("/documents"), params={"state": "lost", "limit": 1000})
    assert refused.status_code == 400
    assert {d["key"] for d in refused.json()["details"]} == {"limit"}  # the page is checked first
    assert (await client.get(shop.url("/documents"), params={"state": "lost"})).json()["details"][0]["key"] == "state"


async def test_one_document_shows_its_whole_audit_trail_with_the_raw_qbxml(client, database) -> None:
    shop = await open_shop(client, database, "ann@alpha.example", invoices=2)
    response = await client.get(shop.url("/documents/invoice:1:000000002"))
    assert response.status_code == 200, response.text
    detail = response.json()
    assert detail["state"] == "queued" and detail["document"]["lines"][0]["sku"] == "24-WB04"
    actions = [event["action"] for event in detail["audit"]]
    assert actions[:3] == ["read", "planned", "queued"]
    planned = detail["audit"][1]
    assert "<InvoiceAdd" in planned["request"] and "Push It Messenger Bag" in planned["request"]
    missing = await client.get(shop.url("/documents/invoice:1:404"))
    assert missing.status_code == 404 and "no document" in missing.json()["error"]


async def test_holds_list_reasons_and_mapping_the_sku_posts_the_document(client, database) -> None:
    shop = await open_shop(client, database, "ann@alpha.example", invoices=2)
    holds = (await client.get(shop.url("/holds"), headers=bearer(shop.read_token))).json()
    assert holds["total"] == 1
    [hold] = holds["items"]
    assert hold["hold"] == {"code": "unmapped_sku", "reason": HELD_REASON, "subject": "24-MB01"}
    fixed = await client.put(
        shop.url("/items"), json={"items": {"24-MB01": "Joust Duffle Bag"}}, headers=bearer(shop.write_token)
    )
    assert fixed.status_code == 200 and fixed.json() == {"added": 1, "changed": 0, "unchanged": 1, "released": 1}
    await run_jobs(database)
    assert (await client.get(shop.url("/holds"))).json()["total"] == 0
    assert (await client.get(shop.url("/documents/invoice:1:000000001"))).json()["state"] == "queued"
    mappings = (await client.get(shop.url("/items"))).json()["items"]
    assert mappings == {"24-MB01": "Joust Duffle Bag", "24-WB04": "Push It Messenger Bag"}


async def test_skip_retry_and_replan_are_audited_with_who_did_it(client, database) -> None:
    shop = await open_shop(client, database, "ann@alpha.example", invoices=2)
    headers = await csrf(client)
    url = shop.url("/documents/invoice:1:000000001")
    replanned = await client.post(f"{url}/replan", headers=headers)
    assert replanned.status_code == 200 and replanned.json()["state"] == "pending"
    await run_jobs(database)
    skipped = await client.post(f"{url}/skip", json={"reason": "a test order"}, headers=bearer(shop.write_token))
    assert skipped.status_code == 200 and skipped.json()["state"] == "skipped"
    again = await client.post(f"{url}/retry", headers=headers)
    assert again.status_code == 409 and "only held, failed, waiting or pending" in again.json()["error"]
    trail = (await client.get(url)).json()["audit"]
    skip = next(event for event in trail if event["action"] == "skipped")
    assert skip["actor"].startswith("token:") and skip["detail"] == {"reason": "a test order"}
    assert next(e for e in trail if e["action"] == "retried")["actor"].startswith("user:")


async def test_read_tokens_cannot_act_cookies_need_csrf_and_other_tenants_see_404(
    client, other_client, database
) -> None:
    shop = await open_shop(client, database, "ann@alpha.example", invoices=2)
    other = await open_shop(other_client, database, "bob@beta.example", invoices=1)
    key = "/documents/invoice:1:000000001"
    writes = [
        ("POST", f"{key}/retry", None),
        ("POST", f"{key}/skip", {"reason": "x"}),
        ("POST", f"{key}/replan", None),
        ("PUT", "/settings/sync", {"read_interval_minutes": 30}),
        ("PUT", "/settings/accounting", {"shipping_item": "Freight"}),
        ("PUT", "/items", {"items": {"24-MB01": "Stolen"}}),
    ]
    for method, path, body in writes:
        read_only = await client.request(method, shop.url(path), json=body, headers=bearer(shop.read_token))
        assert read_only.status_code == 403 and "read-only" in read_only.json()["error"], (path, read_only.text)
        no_csrf = await client.request(method, shop.url(path), json=body)
        assert no_csrf.status_code == 403, (path, no_csrf.status_code)
        foreign = await client.request(method, other.url(path), json=body, headers=bearer(shop.write_token))
        assert foreign.status_code == 404, (path, foreign.status_code)
        cookie = await client.request(method, other.url(path), json=body, headers=await csrf(client))
        assert cookie.status_code == 404, (path, cookie.status_code)
    reads = ["/status", "/documents", key, "/holds", "/settings/sync", "/settings/accounting", "/items", "/items/csv"]
    reads += ["/preview", "/variance?day=2026-01-05"]
    for path in reads:
        assert (await client.get(other.url(path))).status_code == 404, path
        assert (await client.get(other.url(path), headers=bearer(shop.read_token))).status_code == 404, path
        assert (await client.get(shop.url(path), headers=bearer(shop.read_token))).status_code == 200, path
    assert (await client.get(shop.url("/status"), headers={"authorization": "Bearer mlcp_nope"})).status_code == 401
    untouched = (await other_client.get(other.url(key))).json()
    assert untouched["state"] == "held" and all(e["actor"] == "system" for e in untouched["audit"])
    assert (await other_client.get(other.url("/settings/sync"))).json()["read_interval_minutes"] == 5


async def test_sync_settings_are_validated_with_a_sentence_and_pause_shows_in_status(client, database) -> None:
    shop = await open_shop(client, database, "ann@alpha.example", invoices=1)
    headers = await csrf(client)
    assert (await client.get(shop.url("/settings/sync"))).json() == {
        "pause_window": None,
        "read_interval_minutes": 5,
        "web_connector_interval_minutes": 15,
    }
    bad = await client.put(
        shop.url("/settings/sync"),
        json={"pause_window": {"start": "10pm", "end": "06:00", "timezone": "New York"}, "read_interval_minutes": 2},
        headers=headers,
    )
    assert bad.status_code == 400
    problems = {item["key"]: item["message"] for item in bad.json()["details"]}
    assert problems["pause_window.start"] == "write the time as HH:MM on a 24-hour clock, for example 22:00."
    assert "America/New_York" in problems["pause_window.timezone"]
    assert (await client.get(shop.url("/settings/sync"))).json()["read_interval_minutes"] == 5  # nothing changed
    unknown = await client.put(shop.url("/settings/sync"), json={"colour": "blue"}, headers=headers)
    assert unknown.status_code == 400 and "colour" in unknown.text
    wrong_type = await client.put(shop.url("/settings/sync"), json={"read_interval_minutes": "often"}, headers=headers)
    assert wrong_type.status_code == 400 and wrong_type.json()["details"][0]["key"] == "read_interval_minutes"
    window = window_around(datetime.now(UTC))
    saved = await client.put(shop.url("/settings/sync"), json={"pause_window": window}, headers=headers)
    assert saved.status_code == 200 and saved.json()["pause_window"] == window
    status = (await client.get(shop.url("/status"))).json()
    assert status["paused_until"] is not None and status["pause_message"].startswith("Paused:")
    assert status["documents"]["held"] == 1
    assert (await client.put(shop.url("/settings/sync"), json={"pause_window": None}, headers=headers)).json()[
        "pause_window"
    ] is None
    assert (await client.get(shop.url("/status"))).json()["paused_until"] is None


async def test_accounting_settings_round_trip_and_refuse_bad_values(client, database) -> None:
    shop = await open_shop(client, database, "ann@alpha.example", invoices=1)
    headers = await csrf(client)
    settings = (await client.get(shop.url("/settings/accounting"))).json()
    assert settings["shipping_item"] == "Shipping" and settings["paid_invoices"] == "invoice_and_payment"
    bad = await client.put(shop.url("/settings/accounting"), json={"paid_invoices": "barter"}, headers=headers)
    assert bad.status_code == 400 and bad.json()["details"][0]["key"] == "paid_invoices"
    good = await client.put(shop.url("/settings/accounting"), json={"shipping_item": "Freight"}, headers=headers)
    assert good.status_code == 200 and good.json()["shipping_item"] == "Freight"
    assert (await client.get(shop.url("/settings/accounting"))).json()["paid_invoices"] == "invoice_and_payment"


async def test_csv_import_is_all_or_nothing_and_export_round_trips(client, database) -> None:
    shop = await open_shop(client, database, "ann@alpha.example", invoices=2)
    csv_headers = {**bearer(shop.write_token), "content-type": "text/csv"}
    bad = "sku,item\n24-MB01,Joust Duffle Bag\n,Nameless\n24-XX01,\n"
    refused = await client.put(shop.url("/items/csv"), content=bad.encode(), headers=csv_headers)
    assert refused.status_code == 400
    assert [d["key"] for d in refused.json()["details"]] == ["line 3", "line 4"]
    assert (await client.get(shop.url("/holds"))).json()["total"] == 1  # nothing changed, nothing released
    good = "sku,item\n24-MB01,Joust Duffle Bag\n24-WB04,Push It Messenger Bag\n"
    imported = await client.put(shop.url("/items/csv"), content=good.encode(), headers=csv_headers)
    assert imported.status_code == 200 and imported.json()["released"] == 1
    exported = await client.get(shop.url("/items/csv"), headers=bearer(shop.read_token))
    assert exported.headers["content-type"].startswith("text/csv")
    assert "attachment" in exported.headers["content-disposition"] and exported.text == good


async def test_preview_plans_without_sending_and_variance_explains_the_held_invoice(client, database) -> None:
    shop = await open_shop(client, database, "ann@alpha.example", invoices=2)
    preview = (await client.get(shop.url("/preview"))).json()
    by_number = {item["number"]: item for item in preview}
    assert by_number["000000001"]["holds"] == [HELD_REASON] and by_number["000000001"]["operations"] == []
    assert any(op["object_type"] == "Invoice" for op in by_number["000000002"]["operations"])
    assert (await client.get(shop.url("/documents/invoice:1:000000001"))).json()["state"] == "held"
    variance = (await client.get(shop.url("/variance"), params={"day": "2026-01-05"})).json()
    assert variance["day"] == "2026-01-05" and not variance["balanced"]
    sales = next(line for line in variance["lines"] if line["category"] == "sales")
    assert sales["storefront"] == "136.00"
    assert {e["number"] for e in variance["explanations"]} == {"000000001", "000000002"}
    assert (await client.get(shop.url("/variance"), params={"day": "yesterday"})).status_code == 400


async def test_the_engine_api_is_in_the_openapi_document(client) -> None:
    paths = (await client.get("/schema/openapi.json")).json()["paths"]
    for path in ("status", "documents", "documents/{key}", "documents/{key}/retry", "holds", "settings/sync"):
        operations = paths[f"/api/tenants/{{tenant_id}}/sync/{path}"]
        for operation in operations.values():
            assert operation["summary"] and operation["security"] == [{"ApiToken": []}, {"SessionCookie": []}]
    assert "text/csv" in paths["/api/tenants/{tenant_id}/sync/items/csv"]["put"]["requestBody"]["content"]
