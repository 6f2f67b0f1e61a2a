"""The generic engine with throwaway plugins: records become documents, documents are planned and delivered,
deferred outcomes settle, holds wait for a person, dependents wait for their parent, and every step is audited."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from mlc_testing import plugins as testplug
from mlc_testing.engine import FAST_JOBS, documents_by_key, wait_for_documents
from mlc_testing.tenants import connect, make_tenant
from sqlalchemy import text

from mlconnector.platform.documents import CreditMemo, Invoice, Party
from mlconnector.platform.jobs.registry import registry
from mlconnector.platform.jobs.runtime import JobRuntime
from mlconnector.platform.plugins import Exchange, Outcome, SourceRecord, ingest, report_outcome, report_outcomes
from mlconnector.platform.plugins.plan import Hold
from mlconnector.platform.sync import actions
from mlconnector.platform.sync.audit import search_audit
from mlconnector.platform.sync.sink_settings import InvalidSettings, effective_settings, save_settings
from mlconnector.platform.sync.status import tenant_status

CONFIG = {"url": "https://shop.example", "token": "good-token"}
ORDERS = {f"order:1:{n}": "posted" for n in range(1, 6)}


@pytest.fixture
def engine(make_settings, database_url, test_plugins):
    runtime = JobRuntime(make_settings(DATABASE_URL=database_url, **FAST_JOBS), registry)
    runtime.start()
    yield runtime
    runtime.stop()


async def _use_sink(database, tenant, sink, **settings) -> None:
    await connect(database, tenant, sink)
    async with database.session(tenant) as session:
        await save_settings(session, _plugin(sink), settings, actor="test")


def _plugin(name):
    from mlconnector.platform.bootstrap import current_plugins

    return current_plugins().get(name)


async def test_records_flow_into_the_books_once_with_an_audit_trail(engine, database) -> None:
    tenant = await make_tenant(database)
    await _use_sink(database, tenant, "testsink")
    report = await ingest(database, testplug.TestSource(), tenant, "order", config=CONFIG)
    assert report.queued == 5
    rows = await wait_for_documents(database, tenant, ORDERS)
    assert rows["order:1:3"].external_ids == {"customer:guest:buyer3@example.com": "ID-0", "order:1:3": "ID-1"}
    await ingest(database, testplug.TestSource(), tenant, "order", config=CONFIG, start_cursor="0")  # re-read
    async with database.session(tenant) as session:
        steps = [event.action for event in await search_audit(session, number="3")]
    assert steps == ["read", "planned", "posted"]  # re-reading identical content added nothing


async def test_deferred_delivery_settles_from_the_inbox(engine, database) -> None:
    tenant = await make_tenant(database)
    await _use_sink(database, tenant, "testdeferred")
    await ingest(database, testplug.TestSource(), tenant, "order", config=CONFIG)
    await wait_for_documents(database, tenant, {key: "queued" for key in ORDERS})
    async with database.session(tenant) as session:
        await report_outcome(
            session,
            sink="testdeferred",
            document_key="order:1:2",
            outcome=Outcome(status="posted", external_ids={"txn": "T-2"}, totals={"total": "20.00"}),
        )
        await report_outcome(
            session,
            sink="testdeferred",
            document_key="order:1:4",
            outcome=Outcome(
                status="held", holds=(Hold(code="total_mismatch", reason="QuickBooks computed 40.01, the store 40.00"),)
            ),
        )
    rows = await wait_for_documents(database, tenant, {"order:1:2": "posted", "order:1:4": "held"})
    assert rows["order:1:2"].external_ids == {"txn": "T-2"}
    assert rows["order:1:4"].hold_reason == "QuickBooks computed 40.01, the store 40.00"


async def test_one_answer_settles_many_documents_with_one_wake_up(engine, database) -> None:
    """report_outcomes: every document an answer finished is settled, in one inbox insert and one settling job."""
    from sqlalchemy import func, select

    from mlconnector.platform.jobs.models import Job

    tenant = await make_tenant(database)
    await _use_sink(database, tenant, "testdeferred")
    await ingest(database, testplug.TestSource(), tenant, "order", config=CONFIG)
    await wait_for_documents(database, tenant, {key: "queued" for key in ORDERS})
    settle_jobs = select(func.count()).where(Job.kind == "sync.settle")
    async with database.session(tenant) as session:
        before = (await session.execute(settle_jobs)).scalar_one()
        await report_outcomes(
            session,
            sink="testdeferred",
            outcomes={
                "order:1:1": Outcome(
                    status="posted",
                    external_ids={"txn": "T-1"},
                    exchanges=(Exchange(subject="txn", request="<Add>1</Add>", response="<AddRs>T-1</AddRs>"),),
                ),
                "order:1:3": Outcome(status="posted", external_ids={"txn": "T-3"}),
                "order:1:5": Outcome(status="failed", error="QuickBooks rejected it"),
            },
        )
        assert (await session.execute(settle_jobs)).scalar_one() == before + 1
    rows = await wait_for_documents(
        database, tenant, {"order:1:1": "posted", "order:1:3": "posted", "order:1:5": "failed"}
    )
    assert rows["order:1:3"].external_ids == {"txn": "T-3"}
    async with database.session(tenant) as session:
        with pytest.raises(ValueError, match="not 'deferred'"):
            await report_outcomes(session, sink="testdeferred", outcomes={"order:1:2": Outcome(status="deferred")})


async def test_a_hold_waits_for_a_person_then_posts(engine, database) -> None:
    tenant = await make_tenant(database)
    await _use_sink(database, tenant, "testdeferred")
    invoice = _invoice("100", sku="24-MB01")
    async with database.session(tenant) as session:
        await save_settings(session, _plugin("testdeferred"), {"held_skus": ["24-MB01"]}, actor="test")
    await _store(database, tenant, invoice)
    rows = await wait_for_documents(database, tenant, {invoice.key: "held"})
    assert (rows[invoice.key].hold_code, rows[invoice.key].hold_subject) == ("unmapped_sku", "24-MB01")
    async with database.session(tenant) as session:
        status = await tenant_status(session)
        assert status["holds"][0]["reason"] == "SKU 24-MB01 has no item"
        await save_settings(session, _plugin("testdeferred"), {"held_skus": []}, actor="user:bookkeeper")
        await actions.retry(session, invoice.key, actor="user:bookkeeper")
    await wait_for_documents(database, tenant, {invoice.key: "queued"})
    async with database.session(tenant) as session:
        steps = [(e.action, e.actor) for e in await search_audit(session, number="100")]
    assert ("retried", "user:bookkeeper") in steps and steps[-1] == ("queued", "system")


async def test_a_credit_memo_waits_for_its_invoice(engine, database) -> None:
    tenant = await make_tenant(database)
    await _use_sink(database, tenant, "testdeferred")
    invoice = _invoice("200")
    memo = CreditMemo(
        key="credit_memo:1:300",
        number="300",
        source_id="300",
        store_id="1",
        date=date(2026, 1, 5),
        currency="USD",
        customer=invoice.customer,
        grand_total=Decimal("5.00"),
        order_key=invoice.order_key,
        order_number="O-200",
        invoice_key=invoice.key,
    )
    await _store(database, tenant, memo)
    rows = await wait_for_documents(database, tenant, {memo.key: "waiting"})
    assert rows[memo.key].waiting_on == invoice.key
    await _store(database, tenant, invoice)
    await wait_for_documents(database, tenant, {invoice.key: "queued"})
    async with database.session(tenant) as session:
        await report_outcome(session, sink="testdeferred", document_key=invoice.key, outcome=Outcome(status="posted"))
    await wait_for_documents(database, tenant, {invoice.key: "posted", memo.key: "queued"})


async def test_without_connected_books_documents_are_held_with_what_to_do(engine, database) -> None:
    tenant = await make_tenant(database)
    await ingest(database, testplug.TestSource(), tenant, "order", config=CONFIG)
    rows = await wait_for_documents(database, tenant, {"order:1:1": "held"})
    assert rows["order:1:1"].hold_reason.startswith("No books are connected yet.")
    async with database.session(tenant) as session:
        await actions.skip(session, "order:1:1", actor="user:x", reason="test order")
        with pytest.raises(actions.NotActionable):
            await actions.retry(session, "order:1:1", actor="user:x")
        with pytest.raises(actions.DocumentNotFound):
            await actions.retry(session, "order:1:999", actor="user:x")


async def test_settings_are_validated_naming_the_field(database, test_plugins) -> None:
    tenant = await make_tenant(database)
    sink = test_plugins.get("testdeferred")
    async with database.session(tenant) as session:
        assert (await effective_settings(session, sink))["posting_style"] == "invoice_and_payment"
        with pytest.raises(InvalidSettings, match="posting_style"):
            await save_settings(session, sink, {"posting_style": "barter"}, actor="test")
        assert (await effective_settings(session, sink))["posting_style"] == "invoice_and_payment"


async def test_the_audit_trail_cannot_be_changed(engine, database) -> None:
    tenant = await make_tenant(database)
    await _use_sink(database, tenant, "testsink")
    await ingest(database, testplug.TestSource(), tenant, "order", config=CONFIG)
    await wait_for_documents(database, tenant, ORDERS)
    for statement in ("UPDATE audit_events SET action = 'forged'", "DELETE FROM audit_events"):
        with pytest.raises(Exception, match="append-only"):
            async with database.system_session() as session:
                await session.execute(text(statement))
    assert len(await documents_by_key(database, tenant)) == 5


def _invoice(number: str, sku: str = "SKU-1") -> Invoice:
    from mlconnector.platform.documents import Line

    party = Party(key="guest:ann@example.com", email="ann@example.com", is_guest=True)
    line = Line(key="1", sku=sku, name="Bag", quantity=Decimal(1), unit_price=Decimal("34.00"), amount=Decimal("34.00"))
    return Invoice(
        key=f"invoice:1:{number}",
        number=number,
        source_id=number,
        store_id="1",
        date=date(2026, 1, 4),
        currency="USD",
        customer=party,
        lines=(line,),
        subtotal=Decimal("34.00"),
        grand_total=Decimal("34.00"),
        order_key=f"order:1:O-{number}",
        order_number=f"O-{number}",
    )


async def _store(database, tenant, document) -> None:
    """Store a record that normalises to exactly this document (the throwaway source passes documents through)."""
    from mlconnector.platform.documents import encode_document
    from mlconnector.platform.plugins import store_records

    record = SourceRecord(
        stream="order",
        key=f"raw:{document.key}",
        source_id=document.number,
        updated_at=None,
        payload={"document": encode_document(document).decode()},
    )
    async with database.session(tenant) as session:
        await store_records(session, "testplug", [record])


async def test_an_invoice_edited_after_posting_is_held_not_reposted(engine, database) -> None:
    import msgspec

    tenant = await make_tenant(database)
    await _use_sink(database, tenant, "testsink")
    delivered_before = testplug.TestSink.delivered.count("invoice:1:400")
    await _store(database, tenant, _invoice("400"))
    await wait_for_documents(database, tenant, {"invoice:1:400": "posted"})
    from datetime import UTC, datetime

    touched = msgspec.structs.replace(_invoice("400"), updated_at=datetime(2026, 2, 1, tzinfo=UTC))
    await _store(database, tenant, touched)  # only the store's timestamp moved: not a change
    assert (await documents_by_key(database, tenant))["invoice:1:400"].state == "posted"
    edited = msgspec.structs.replace(_invoice("400"), memo="gift wrap added")
    await _store(database, tenant, edited)
    row = (await documents_by_key(database, tenant))["invoice:1:400"]
    assert (row.state, row.hold_code) == ("held", "changed_after_posting")
    assert testplug.TestSink.delivered.count("invoice:1:400") == delivered_before + 1


async def test_fixing_a_mapping_releases_every_document_held_on_it(engine, database) -> None:
    tenant = await make_tenant(database)
    await _use_sink(database, tenant, "testdeferred", held_skus=["24-MB01"])
    for number in ("500", "501"):
        await _store(database, tenant, _invoice(number, sku="24-MB01"))
    await _store(database, tenant, _invoice("502", sku="24-WG02"))
    await wait_for_documents(
        database, tenant, {"invoice:1:500": "held", "invoice:1:501": "held", "invoice:1:502": "queued"}
    )
    async with database.session(tenant) as session:
        await save_settings(session, _plugin("testdeferred"), {"held_skus": []}, actor="user:x")
        assert await actions.retry_held(session, actor="user:x", subject="24-MB01") == 2
    await wait_for_documents(database, tenant, {"invoice:1:500": "queued", "invoice:1:501": "queued"})


async def test_books_that_total_differently_are_held_with_the_difference(engine, database) -> None:
    tenant = await make_tenant(database)
    await _use_sink(database, tenant, "testdeferred")
    await _store(database, tenant, _invoice("600"))
    await wait_for_documents(database, tenant, {"invoice:1:600": "queued"})
    async with database.session(tenant) as session:
        await report_outcome(
            session,
            sink="testdeferred",
            document_key="invoice:1:600",
            outcome=Outcome(status="posted", external_ids={"TxnID": "9-1"}, totals={"total": "34.01"}),
        )
    row = (await wait_for_documents(database, tenant, {"invoice:1:600": "held"}))["invoice:1:600"]
    assert row.hold_code == "total_mismatch" and "(+0.01)" in row.hold_reason
    assert row.external_ids == {"TxnID": "9-1"}


async def test_connecting_the_books_releases_what_waited_for_them(engine, database) -> None:
    tenant = await make_tenant(database)
    await ingest(database, testplug.TestSource(), tenant, "order", config=CONFIG)
    await wait_for_documents(database, tenant, {key: "held" for key in ORDERS})
    await connect(database, tenant, "testsink")
    await wait_for_documents(database, tenant, ORDERS)


async def test_a_source_connection_starts_scheduled_reads(database, test_plugins) -> None:
    from sqlalchemy import select

    from mlconnector.platform.jobs.models import Schedule

    tenant = await make_tenant(database)
    await connect(database, tenant, "testplug", CONFIG)
    async with database.system_session() as session:
        schedule = (await session.execute(select(Schedule).where(Schedule.tenant_id == tenant))).scalar_one()
    assert (schedule.kind, schedule.interval_seconds, schedule.enabled) == ("sync.read", 300, True)
