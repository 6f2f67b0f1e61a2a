"""Faults inside our own service — the books must end identical to a fault-free run.

QuickBooks applied a write but its answer never arrived; a worker died in the middle of a posting job (cancelled in
process; a real ``kill -9`` is in test_processes); the broker lost every queued message (Redis flushed); the
store's webhooks arrived twice and out of order.
"""

from __future__ import annotations

import asyncio

import pytest
import redis as redis_client
from faults.helpers import late_invoice, queued_jobs, read_only, read_with_retries, sync_all, the_store, watch
from mlc_testing.storefront import Books, assert_same_books, running_books, snapshot
from mlc_testing.webhooks import CLIENT_ID, HOOK_KEY, invoice_event, io_headers, key_server

from mlconnector.connectors.commerce.repository import save_endpoint
from mlconnector.connectors.commerce.webhooks.keys import PublicKeys
from mlconnector.platform.sync import posting

pytestmark = pytest.mark.slow
VAULT = {"MLC_VAULT_KEKS": "test:" + "a2V5LWtleS1rZXkta2V5LWtleS1rZXkta2V5LWtleS0="}


async def test_an_answer_lost_after_quickbooks_applied_it(make_settings, database_url, baseline, matrix) -> None:
    fake, simulator = the_store()
    ledger = watch(simulator)
    dropped: list[str] = []

    def drop_first_invoice(qbxml: str) -> bool:
        if not dropped and "<InvoiceAddRq" in qbxml:
            dropped.append(qbxml)
            return True
        return False

    async with running_books(make_settings, database_url, fake, simulator) as books:
        # The store's scheduled read starts with the tenant, so which session first carries an invoice depends on
        # timing: every session drops the first one's answer until one has (QuickBooks applied it; the session dies).
        await books.cycle(drop_response=drop_first_invoice)
        await read_with_retries(books)
        for _ in range(4):
            report = await books.cycle(drop_response=drop_first_invoice)
            if dropped or not report.exchanges:
                break
        assert dropped, f"no session carried an InvoiceAdd: {ledger.events}"
        books.later(minutes=20)  # the next scheduled run
        await books.until_quiet()
        late_invoice(fake)
        await read_with_retries(books)
        await books.until_quiet()
    assert_same_books(snapshot(simulator), baseline)
    counts = ledger.counts()
    assert counts["duplicates_avoided"] >= 1
    matrix("receiveResponseXML dropped after QuickBooks applied the write", injected=1, **counts)


async def test_a_worker_killed_in_the_middle_of_posting(
    make_settings, database_url, baseline, monkeypatch, matrix
) -> None:
    fake, simulator = the_store()
    ledger = watch(simulator)
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
    matrix("posting job cancelled before its commit (in process)", injected=1, **ledger.counts())


async def test_the_broker_losing_every_queued_message(make_settings, database_url, baseline, matrix) -> None:
    fake, simulator = the_store()
    ledger = watch(simulator)
    async with running_books(make_settings, database_url, fake, simulator) as books:
        await books.cycle()  # first contact: the store is read and its documents planned
        books.runtime.worker.pause()
        late_invoice(fake)
        await read_only(books)
        lost = await queued_jobs(books)
        assert lost > 0
        books.runtime.broker.flush_all()  # every wake-up gone; the job rows remain
        books.runtime.worker.resume()
        await books.idle()
        await books.until_quiet()
    assert_same_books(snapshot(simulator), baseline)
    matrix("in-memory broker flushed (embedded default)", injected=f"{lost} jobs' wake-ups", **ledger.counts())


@pytest.mark.redis
@pytest.mark.postgres
async def test_redis_flushdb_in_the_production_shape(make_settings, postgres_database, redis_url, baseline, matrix):
    from mlc_testing.databases import empty_postgres

    await empty_postgres(postgres_database)
    fake, simulator = the_store()
    ledger = watch(simulator)
    async with running_books(
        make_settings, postgres_database, fake, simulator, env={"REDIS_URL": redis_url, **VAULT}
    ) as books:
        await books.cycle()
        books.runtime.worker.pause()
        late_invoice(fake)
        await read_only(books)
        lost = await queued_jobs(books)
        client = redis_client.Redis.from_url(redis_url)
        assert lost > 0 and client.dbsize() > 0
        client.flushdb()
        client.close()
        books.runtime.worker.resume()
        await books.idle()
        await books.until_quiet()
    assert_same_books(snapshot(simulator), baseline)
    matrix("Redis FLUSHDB with jobs queued (postgresql)", injected=f"{lost} jobs' wake-ups", **ledger.counts())


async def test_duplicate_and_out_of_order_webhooks(make_settings, database_url, baseline, matrix) -> None:
    fake, simulator = the_store()
    ledger = watch(simulator)
    deliveries = []

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
            deliveries.append(body)
        await books.idle()

    async with running_books(
        make_settings, database_url, fake, simulator, io_keys=PublicKeys(transport=key_server())
    ) as books:
        await sync_all(books, late=delivered_by_webhooks)
    assert_same_books(snapshot(simulator), baseline)
    matrix("webhooks delivered twice and out of order", injected=len(deliveries), **ledger.counts())
