"""Webhook deliveries: the registration handshake, signatures accepted and rejected, duplicates and out-of-order
deliveries harmless, answered without waiting for the store — and the queued read storing the truth."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import AsyncIterator

import pytest
from litestar.testing import AsyncTestClient
from mlc_testing.commerce import oauth_config, wired_plugin
from mlc_testing.tenants import make_tenant
from mlc_testing.webhooks import (
    CLIENT_ID,
    FORGER,
    HOOK_KEY,
    io_headers,
    key_server,
    order_event,
    sign,
)
from sqlalchemy import select

from mlconnector.connectors.commerce.fake import FakeCommerce
from mlconnector.connectors.commerce.reference import load
from mlconnector.connectors.commerce.repository import save_endpoint
from mlconnector.connectors.commerce.webhooks.keys import PublicKeys
from mlconnector.platform import bootstrap
from mlconnector.platform.app import create_app
from mlconnector.platform.jobs.context import JobContext
from mlconnector.platform.jobs.models import Job
from mlconnector.platform.plugins.discovery import LoadedPlugin, PluginSet
from mlconnector.platform.sync.models import SourceRecordRow


@pytest.fixture
async def setup(database, make_settings, database_url) -> AsyncIterator[dict]:
    fake = FakeCommerce()
    fake.catalog.generate(20, seed=4)
    config = oauth_config(fake.add_integration())

    async def load_config(context):
        return config

    plugin = wired_plugin(fake, config_loader=load_config, io_keys=PublicKeys(transport=key_server()))
    plugins = PluginSet(loaded={"commerce": LoadedPlugin(plugin, "ml-connector", "test")})
    bootstrap.install_plugins(plugins)
    tenant = await make_tenant(database)
    _, commerce_pem = HOOK_KEY
    async with database.session(tenant) as session:
        endpoint = await save_endpoint(
            session, tenant, io_client_id=CLIENT_ID, commerce_public_key=commerce_pem.decode()
        )
    settings = make_settings(DATABASE_URL=database_url, MLC_AUTO_MIGRATE="false")
    async with AsyncTestClient(create_app(settings, plugins=plugins, start_jobs=False)) as client:
        yield {
            "client": client,
            "fake": fake,
            "plugin": plugin,
            "tenant": tenant,
            "database": database,
            "url": f"/connectors/commerce/webhooks/{endpoint.id}",
        }
    bootstrap.install_plugins(None)


async def queued(database, tenant) -> list[Job]:
    async with database.system_session() as session:
        rows = (await session.execute(select(Job).where(Job.tenant_id == tenant).order_by(Job.created_at))).scalars()
        return [row for row in rows if row.kind.startswith("commerce.") or row.kind == "sync.read"]


async def run_fetch_jobs(setup: dict) -> None:
    [handler] = [h for h in setup["plugin"].jobs() if h.kind == "commerce.fetch"]
    for job in await queued(setup["database"], setup["tenant"]):
        if job.kind != "commerce.fetch" or job.state != "queued":
            continue
        async with setup["database"].session(setup["tenant"]) as session:
            await handler.fn(JobContext(job.id, setup["tenant"], job.kind, job.payload, 1, session, setup["database"]))


async def test_registration_challenge(setup) -> None:
    answer = await setup["client"].get(f"{setup['url']}/io-events", params={"challenge": "8ec8d794-e0ab-42df"})
    assert answer.status_code == 200 and answer.json() == {"challenge": "8ec8d794-e0ab-42df"}
    unknown = await setup["client"].get(f"/connectors/commerce/webhooks/{uuid.uuid4()}/io-events?challenge=x")
    assert unknown.status_code == 404


async def test_a_signed_delivery_is_acknowledged_at_once_and_read_later(setup) -> None:
    body = order_event(3)
    answer = await setup["client"].post(f"{setup['url']}/io-events", content=body, headers=io_headers(body))
    assert answer.status_code == 200 and answer.json()["queued"] == 1
    assert setup["fake"].log == []  # the answer did not wait for the store
    [job] = await queued(setup["database"], setup["tenant"])
    assert (job.kind, job.payload) == ("commerce.fetch", {"stream": "order", "source_id": "3"})


async def test_an_invoice_event_reads_the_invoice_and_its_order(setup) -> None:
    body = json.loads(order_event(0))
    body["type"] = "com.adobe.commerce.observer.sales_order_invoice_save_after"
    body["data"]["value"] = load("io-events/observer.sales_order_invoice_save_after.event-data.json")["event"]["data"][
        "value"
    ]
    raw = json.dumps(body).encode()
    answer = await setup["client"].post(f"{setup['url']}/io-events", content=raw, headers=io_headers(raw))
    assert answer.status_code == 200
    payloads = sorted(
        (job.payload["stream"], job.payload["source_id"]) for job in await queued(setup["database"], setup["tenant"])
    )
    value = body["data"]["value"]
    assert payloads == [("invoice", str(value["entity_id"])), ("order", str(value["order_id"]))]


@pytest.mark.parametrize(
    "headers_for",
    [
        lambda body: io_headers(body, [FORGER]),  # signed with someone else's key
        lambda body: {"content-type": "application/json"},  # not signed at all
        lambda body: {**io_headers(body), "x-adobe-digital-signature-1": "AAAA", "x-adobe-digital-signature-2": "AAAA"},
        lambda body: {
            **io_headers(body),
            "x-adobe-public-key1-path": "/../../etc/passwd.pem",
            "x-adobe-public-key2-path": "//evil.example/key.pem",
        },
    ],
)
async def test_forged_or_unsigned_deliveries_are_rejected(setup, headers_for) -> None:
    body = order_event(3)
    answer = await setup["client"].post(f"{setup['url']}/io-events", content=body, headers=headers_for(body))
    assert answer.status_code == 401 and "refused" in answer.json()["error"]
    assert await queued(setup["database"], setup["tenant"]) == []


async def test_a_body_changed_after_signing_is_rejected(setup) -> None:
    body = order_event(3)
    headers = io_headers(body)
    answer = await setup["client"].post(f"{setup['url']}/io-events", content=order_event(4), headers=headers)
    assert answer.status_code == 401


async def test_a_delivery_for_another_client_id_is_rejected(setup) -> None:
    envelope = json.loads(order_event(3))
    envelope["recipient_client_id"] = envelope["recipientclientid"] = "someone-else"
    body = json.dumps(envelope).encode()
    answer = await setup["client"].post(f"{setup['url']}/io-events", content=body, headers=io_headers(body))
    assert answer.status_code == 401


async def test_one_valid_signature_is_enough_while_keys_rotate(setup) -> None:
    body = order_event(3)
    headers = io_headers(body)
    headers["x-adobe-digital-signature-1"] = sign(FORGER[0], body)  # the retired key no longer verifies
    answer = await setup["client"].post(f"{setup['url']}/io-events", content=body, headers=headers)
    assert answer.status_code == 200


async def test_an_unreachable_key_server_asks_for_a_redelivery(setup) -> None:
    setup["plugin"].io_keys.transport = key_server(available=False)
    body = order_event(3)
    answer = await setup["client"].post(f"{setup['url']}/io-events", content=body, headers=io_headers(body))
    assert answer.status_code == 503  # I/O Events retries 5xx


async def test_duplicate_deliveries_queue_one_read(setup) -> None:
    body = order_event(5, event_id="b0f2b088-5490-4d16-9ce9-0cb1fb3e5ed0")
    for _ in range(3):
        answer = await setup["client"].post(f"{setup['url']}/io-events", content=body, headers=io_headers(body))
        assert answer.status_code == 200
    assert len(await queued(setup["database"], setup["tenant"])) == 1


async def test_out_of_order_deliveries_store_the_current_truth(setup) -> None:
    fake = setup["fake"]
    fake.catalog.invoice_order(5, fake.catalog.clock())  # order 5 is now processing, and invoiced
    newer = order_event(5, status="processing")
    older = order_event(5, status="pending")  # arrives last, carrying a stale status
    for body in (newer, older):
        await setup["client"].post(f"{setup['url']}/io-events", content=body, headers=io_headers(body))
    await run_fetch_jobs(setup)
    async with setup["database"].session(setup["tenant"]) as session:
        [row] = (
            await session.execute(select(SourceRecordRow).where(SourceRecordRow.tenant_id == setup["tenant"]))
        ).scalars()
    assert row.payload["order"]["state"] == "processing"  # read from the store, not from either hint
    assert row.payload["order"]["total_invoiced"] > 0
    assert row.revision == 1  # the second read found the same content


async def test_commerce_webhooks_module_signed_delivery(setup) -> None:
    body = json.dumps({"eventName": "sales_order_save_commit_after", "data": {"order": {"entity_id": 7}}}).encode()
    signature = sign(HOOK_KEY[0], base64.b64encode(body))
    answer = await setup["client"].post(
        f"{setup['url']}/commerce", content=body, headers={"x-adobe-commerce-webhook-signature": signature}
    )
    assert answer.status_code == 200 and answer.json() == {"op": "success"}
    [job] = await queued(setup["database"], setup["tenant"])
    assert job.payload == {"stream": "order", "source_id": "7"}
    forged = sign(FORGER[0], base64.b64encode(body))
    refused = await setup["client"].post(
        f"{setup['url']}/commerce", content=body, headers={"x-adobe-commerce-webhook-signature": forged}
    )
    assert refused.status_code == 401


async def test_an_event_without_an_id_asks_for_a_read_of_its_stream(setup) -> None:
    envelope = json.loads(order_event(0))
    envelope["data"]["value"] = {"increment_id": "000000009"}
    body = json.dumps(envelope).encode()
    answer = await setup["client"].post(f"{setup['url']}/io-events", content=body, headers=io_headers(body))
    assert answer.status_code == 200
    [job] = await queued(setup["database"], setup["tenant"])
    assert (job.kind, job.payload) == ("sync.read", {"stream": "order"})
