"""The end-to-end run again, with faults — the books must end identical to a fault-free run.

Faults: QuickBooks applied a write but its answer never arrived; a worker died in the middle of a posting job;
the broker lost every queued message (Redis flushed); the store's webhooks arrived twice and out of order; the
store answered with a storm of 503s.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
import redis as redis_client
from mlc_testing.asyncio_thread import run
from mlc_testing.databases import sqlite_url
from mlc_testing.storefront import Books, assert_same_books, build_store, running_books, snapshot, stocked_books
from mlc_testing.webhooks import CLIENT_ID, HOOK_KEY, invoice_event, io_headers, key_server

from mlconnector.connectors.commerce.errors import CommerceHTTPError, RetriesExhausted
from mlconnector.connectors.commerce.fake import FakeCommerce
from mlconnector.connectors.commerce.repository import save_endpoint
from mlconnector.connectors.commerce.webhooks.keys import PublicKeys
from mlconnector.platform.sync import posting

pytestmark = pytest.mark.slow
READ_ATTEMPTS = 6


def late_invoice(fake: FakeCommerce) -> tuple[int, int]:
    """The store invoices (and captures) its last uninvoiced order after the first sync; returns (invoice, order)."""
    order = next(row for row in reversed(fake.catalog.orders.values()) if row.fields["state"] == "new")
    # saved a minute ago: inside the next incremental read's window (which starts 300 s before the last one ended)
    made = fake.catalog.invoice_order(order.fields["entity_id"], fake.catalog.clock() - timedelta(minutes=1))
    return made.fields["entity_id"], order.fields["entity_id"]


async def sync_all(books: Books, late: Callable[[Books], Awaitable[None]] | None = None) -> None:
    """First contact, read the store, post, then the late invoice (by polling, or as ``late`` delivers it)."""
    await books.cycle()
    await read_with_retries(books)
    await books.until_quiet()
    if late is None:
        late_invoice(books.fake)
        await read_with_retries(books)
    else:
        await late(books)
    await books.until_quiet()


async def read_with_retries(books: Books) -> None:
    """What the scheduled read job does across attempts: a failed read is tried again later, from its cursor."""
    for attempt in range(1, READ_ATTEMPTS + 1):
        try:
            await books.read_store()
            return
        except (CommerceHTTPError, RetriesExhausted):
            if attempt == READ_ATTEMPTS:
                raise
            await asyncio.sleep(0)


def fault_free_books(make_settings: Any, tmp_path: Any, sqlite_template: Any) -> dict[str, Any]:
    import shutil

    path = tmp_path / "baseline.sqlite3"
    shutil.copyfile(sqlite_template, path)
    fake = FakeCommerce()
    build_store(fake)
    simulator = stocked_books(fake)

    async def go() -> None:
        async with running_books(make_settings, sqlite_url(path), fake, simulator) as books:
            await sync_all(books)

    run(go())
    return snapshot(simulator)


_baseline: dict[str, Any] = {}


@pytest.fixture
def baseline(make_settings, tmp_path, sqlite_template) -> dict[str, Any]:
    """The fault-free books, computed once per run (they depend on neither the fault nor the database)."""
    if not _baseline:
        _baseline.update(fault_free_books(make_settings, tmp_path, sqlite_template))
    return _baseline


async def test_an_answer_lost_after_quickbooks_applied_it(make_settings, database_url, baseline) -> None:
    fake = FakeCommerce()
    build_store(fake)
    simulator = stocked_books(fake)
    dropped: list[str] = []

    def drop_first_invoice(qbxml: str) -> bool:
        if not dropped and "<InvoiceAddRq" in qbxml:
            dropped.append(qbxml)
            return True
        return False

    async with running_books(make_settings, database_url, fake, simulator) as books:
        await books.cycle()
        await read_with_retries(books)
        await books.cycle(drop_response=drop_first_invoice)  # applied in QuickBooks, answer lost, session dead
        books.later(minutes=20)  # the next scheduled run
        await books.until_quiet()
        late_invoice(fake)
        await read_with_retries(books)
        await books.until_quiet()
    assert dropped
    assert_same_books(snapshot(simulator), baseline)


async def test_a_worker_killed_in_the_middle_of_posting(make_settings, database_url, baseline, monkeypatch) -> None:
    fake = FakeCommerce()
    build_store(fake)
    simulator = stocked_books(fake)
    deliver = posting.deliver_plan
    killed: list[str] = []

    async def dies_once(sink, context, plan):
        outcome = await deliver(sink, context, plan)  # the writes are queued in the job's transaction…
        if not killed and plan.document_key.startswith("invoice:"):
            killed.append(plan.document_key)
            raise asyncio.CancelledError  # …and the process is gone before it commits (no failure is recorded)
        return outcome

    monkeypatch.setattr(posting, "deliver_plan", dies_once)
    env = {"MLC_JOB_LEASE_SECONDS": "1", "MLC_JOB_REDISPATCH_SECONDS": "1"}
    async with running_books(make_settings, database_url, fake, simulator, env=env) as books:
        await sync_all(books)
    assert killed
    assert_same_books(snapshot(simulator), baseline)


async def test_the_broker_losing_every_queued_message(make_settings, database_url, baseline) -> None:
    fake = FakeCommerce()
    build_store(fake)
    simulator = stocked_books(fake)
    async with running_books(make_settings, database_url, fake, simulator) as books:
        await books.cycle()
        books.runtime.worker.pause()
        await _read_only(books)
        books.runtime.broker.flush_all()  # every wake-up gone; the job rows remain
        books.runtime.worker.resume()
        await books.idle()
        await books.until_quiet()
        late_invoice(fake)
        await read_with_retries(books)
        await books.until_quiet()
    assert_same_books(snapshot(simulator), baseline)


@pytest.mark.redis
@pytest.mark.postgres
async def test_redis_flushall_in_the_production_shape(make_settings, postgres_database, redis_url, baseline) -> None:
    from mlc_testing.databases import empty_postgres

    await empty_postgres(postgres_database)
    fake = FakeCommerce()
    build_store(fake)
    simulator = stocked_books(fake)
    env = {"REDIS_URL": redis_url, "MLC_VAULT_KEKS": "test:" + "a2V5LWtleS1rZXkta2V5LWtleS1rZXkta2V5LWtleS0="}
    async with running_books(make_settings, postgres_database, fake, simulator, env=env) as books:
        await books.cycle()
        books.runtime.worker.pause()
        await _read_only(books)
        client = redis_client.Redis.from_url(redis_url)
        assert client.dbsize() > 0
        client.flushdb()
        client.close()
        books.runtime.worker.resume()
        await books.idle()
        await books.until_quiet()
        late_invoice(fake)
        await read_with_retries(books)
        await books.until_quiet()
    assert_same_books(snapshot(simulator), baseline)


async def test_duplicate_and_out_of_order_webhooks(make_settings, database_url, baseline) -> None:
    fake = FakeCommerce()
    build_store(fake)
    simulator = stocked_books(fake)

    async def delivered_by_webhooks(books: Books) -> None:
        async with books.database.session(books.tenant_id) as session:
            endpoint = await save_endpoint(
                session, books.tenant_id, io_client_id=CLIENT_ID, commerce_public_key=HOOK_KEY[1].decode()
            )
        invoice_id, order_id = late_invoice(books.fake)
        url = f"/connectors/commerce/webhooks/{endpoint.id}/io-events"
        newer, older = invoice_event(invoice_id, order_id), invoice_event(invoice_id, order_id)
        for body in (newer, older, newer, older):  # out of order, each twice
            answer = await books.client.post(url, content=body, headers=io_headers(body))
            assert answer.status_code == 200
        await books.idle()

    async with running_books(
        make_settings, database_url, fake, simulator, io_keys=PublicKeys(transport=key_server())
    ) as books:
        await sync_all(books, late=delivered_by_webhooks)
    assert_same_books(snapshot(simulator), baseline)


async def test_a_storm_of_503s_from_the_store(make_settings, database_url, baseline) -> None:
    fake = FakeCommerce()
    build_store(fake)
    simulator = stocked_books(fake)
    fake.faults.add(status=503, times=25, path="/V1/(orders|invoices|creditmemo)")
    async with running_books(make_settings, database_url, fake, simulator) as books:
        await sync_all(books)
    assert fake.faults.injected == 25
    assert_same_books(snapshot(simulator), baseline)


async def _read_only(books: Books) -> None:
    """Read the store without waiting for the engine (its workers are paused)."""
    from mlconnector.platform.plugins import ingest

    for stream in ("customer", "order", "invoice", "credit_memo"):
        await ingest(books.database, books.source, books.tenant_id, stream, config=books.source_config)
