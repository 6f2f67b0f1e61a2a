"""The integration token as Bearer, and IMS server-to-server tokens on the Cloud Service: headers, caching,
replacement before expiry, one refresh on a 401 mid-read, one refresh at a time across workers, no token in
clear in the database."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import httpx
import pytest
from mlc_testing.commerce import NOW, bearer_config, ims_config, wired_plugin
from mlc_testing.tenants import make_tenant

from mlconnector.connectors.commerce.auth.ims import ImsTokenProvider
from mlconnector.connectors.commerce.config import parse_connection
from mlconnector.connectors.commerce.connect import ims_credential
from mlconnector.connectors.commerce.errors import CommerceHTTPError
from mlconnector.connectors.commerce.fake import CLOUD_SERVICE, FakeCommerce, FakeTransport
from mlconnector.connectors.commerce.repository import DatabaseTokenStore, token_refreshes
from mlconnector.platform.plugins import SourceContext


def cloud_fake(orders: int = 120) -> FakeCommerce:
    fake = FakeCommerce(flavor=CLOUD_SERVICE)
    fake.catalog.generate(orders, seed=5)
    return fake


def context(config: dict, database=None, tenant_id=None) -> SourceContext:
    return SourceContext(tenant_id=tenant_id or uuid.uuid4(), config=config, session=None, database=database)  # type: ignore[arg-type]


async def read_all(plugin, ctx: SourceContext, stream: str = "order") -> list[str]:
    return [record.key async for batch in plugin.read(ctx, stream, None) for record in batch.records]


async def test_bearer_reads_when_the_store_allows_it() -> None:
    fake = FakeCommerce(bearer_enabled=True)
    fake.catalog.generate(40, seed=2)
    integration = fake.add_integration()
    keys = await read_all(wired_plugin(fake), context(bearer_config(integration, page_size=25)))
    assert len(keys) == len(set(keys)) == 40
    assert {entry.headers["authorization"] for entry in fake.rest_requests()} == {f"Bearer {integration.access_token}"}


async def test_bearer_is_refused_when_the_store_does_not_allow_it() -> None:
    fake = FakeCommerce(bearer_enabled=False)
    integration = fake.add_integration()
    with pytest.raises(CommerceHTTPError, match="isn't authorized to access Magento_Backend::stores"):
        await read_all(wired_plugin(fake), context(bearer_config(integration)))


async def test_ims_token_is_fetched_once_and_sent_with_the_api_key_and_org() -> None:
    fake = cloud_fake()
    client = fake.add_ims_client()
    plugin = wired_plugin(fake)
    ctx = context(ims_config(fake, client, page_size=20))
    keys = await read_all(plugin, ctx)
    keys += await read_all(plugin, ctx, "invoice")
    assert len(keys) > 120
    assert fake.ims.requests == 1  # many pages, one token
    for entry in fake.rest_requests():
        assert entry.headers["x-api-key"] == client.client_id
        assert entry.headers["x-gw-ims-org-id"] == client.org_id
        assert entry.headers["authorization"].startswith("Bearer ")


async def test_ims_token_is_replaced_before_it_expires_not_on_a_401() -> None:
    fake = cloud_fake(30)
    fake.ims.expires_in = 3600
    client = fake.add_ims_client()
    now = [NOW]
    plugin = wired_plugin(fake, clock=lambda: now[0])
    ctx = context(ims_config(fake, client))
    await read_all(plugin, ctx)
    now[0] = NOW + timedelta(minutes=40)  # two thirds of the hour: still fresh
    await read_all(plugin, ctx)
    assert fake.ims.requests == 1
    now[0] = NOW + timedelta(minutes=46)  # past three quarters of its life: replaced before anything fails
    await read_all(plugin, ctx)
    assert fake.ims.requests == 2
    assert all(entry.status != 401 for entry in fake.log)


async def test_ims_token_expiring_in_the_middle_of_a_backfill_is_refreshed_once_and_the_read_goes_on() -> None:
    fake = cloud_fake(200)
    client = fake.add_ims_client()
    lists = []

    def expire_after_third_page(store: FakeCommerce, route: str, query: str) -> None:
        if route == "orders":
            lists.append(query)
            if len(lists) == 3:
                store.ims.revoke_all()  # IMS ends the token early

    fake.on_request = expire_after_third_page
    keys = await read_all(wired_plugin(fake), context(ims_config(fake, client, page_size=20, max_concurrency=1)))
    assert sorted(keys) == sorted(set(keys)) and len(keys) == 200  # every order, once
    assert fake.ims.requests == 2
    assert [entry.status for entry in fake.log].count(401) == 1


async def test_a_second_401_after_a_new_token_is_not_retried_forever() -> None:
    fake = cloud_fake(10)
    client = fake.add_ims_client()
    fake.on_request = lambda store, route, query: store.ims.revoke_all()
    with pytest.raises(CommerceHTTPError) as refused:
        await read_all(wired_plugin(fake), context(ims_config(fake, client)))
    assert refused.value.status == 401
    assert fake.ims.requests == 2


async def test_workers_sharing_the_database_refresh_one_at_a_time_and_only_once(database) -> None:
    fake = cloud_fake(0)
    fake.ims.latency = 0.05
    client = fake.add_ims_client()
    tenant = await make_tenant(database)
    credential = ims_credential(parse_connection(ims_config(fake, client)))
    async with httpx.AsyncClient(transport=FakeTransport(fake)) as http:
        # Four "workers": each its own process memory and its own view of the database, one shared vault.
        providers = [ImsTokenProvider(credential, DatabaseTokenStore(database, tenant), http) for _ in range(4)]
        tokens = await asyncio.gather(*(provider.token() for provider in providers))
    assert len({token.reveal() for token in tokens}) == 1
    assert fake.ims.requests == 1
    refreshes, stored = await token_refreshes(database, tenant, credential.fingerprint)
    assert refreshes == 1
    assert stored and tokens[0].reveal() not in stored  # sealed, never in clear


async def test_without_a_vault_the_database_holds_the_lock_but_never_the_token(database) -> None:
    fake = cloud_fake(0)
    fake.ims.latency = 0.05
    client = fake.add_ims_client()
    tenant = await make_tenant(database)
    credential = ims_credential(parse_connection(ims_config(fake, client)))
    async with httpx.AsyncClient(transport=FakeTransport(fake)) as http:
        providers = [ImsTokenProvider(credential, DatabaseTokenStore(database, tenant, None), http) for _ in range(3)]
        await asyncio.gather(*(provider.token() for provider in providers))
    assert fake.ims.max_in_flight == 1  # the row lock let one refresh run at a time
    refreshes, stored = await token_refreshes(database, tenant, credential.fingerprint)
    assert stored is None and refreshes == fake.ims.requests
