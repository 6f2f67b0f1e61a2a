"""In-doubt writes: QuickBooks applied the Add but its answer never arrived. The next session asks QuickBooks first,
adopts what is ours, and never posts a duplicate; dependents wait meanwhile."""

from __future__ import annotations

import contextlib
from datetime import timedelta

from qbd.helpers import (
    Harness,
    customer_document,
    invoice,
    make_merchant,
    outcomes,
    queue,
    running,
    stocked_simulator,
)
from sqlalchemy import select

from mlconnector.connectors.qbd.models import Write
from mlconnector.platform.plugins import utcnow


def _later(harness: Harness, minutes: int) -> None:
    moment = utcnow() + timedelta(minutes=minutes)
    harness.plugin.registry.clock = lambda: moment


async def _states(harness: Harness, tenant_id) -> dict[str, str]:
    async with harness.database.session(tenant_id) as session:
        return {w.operation_key: w.state for w in (await session.execute(select(Write))).scalars()}


async def test_an_applied_invoice_whose_answer_was_lost_is_not_posted_twice(make_settings, qbd_url) -> None:
    async with running(make_settings, qbd_url) as harness:
        merchant = await make_merchant(harness.database)
        await queue(harness.database, merchant.tenant_id, invoice(1, paid=True))
        sim = stocked_simulator()
        lost = await harness.emulator(merchant, sim, drop_response=lambda q: "<InvoiceAddRq" in q).run_session()
        assert lost.dropped and len(sim.of_kind("Invoice")) == 1  # QuickBooks has it; we never heard back
        states = await _states(harness, merchant.tenant_id)
        assert states["invoice:1:000000001"] == "sent" and states["payment:1:000000001"] == "pending"

        _later(harness, 20)  # the next scheduled run: the dead session is superseded, its sent write is in doubt
        again = await harness.emulator(merchant, sim).run_session()
        assert again.progress[-1] == 100
        assert "<InvoiceQueryRq" in again.requests[0] and "<RefNumber>000000001</RefNumber>" in again.requests[0]
        assert "<ReceivePaymentAddRq" not in again.requests[0]  # the payment waits while its invoice is in doubt
        assert not any("<InvoiceAddRq" in request for request in again.requests)
        assert [t.ref_number for t in sim.of_kind("Invoice")] == ["000000001"]
        [payment] = sim.of_kind("ReceivePayment")
        assert payment.applied_to[0][0] is sim.of_kind("Invoice")[0]
        assert set((await _states(harness, merchant.tenant_id)).values()) == {"applied"}
        assert await outcomes(harness.database, merchant.tenant_id) == [("invoice:1:000000001", "posted")]


async def test_a_request_quickbooks_never_received_is_sent_again_once(make_settings, qbd_url) -> None:
    async with running(make_settings, qbd_url) as harness:
        merchant = await make_merchant(harness.database)
        await queue(harness.database, merchant.tenant_id, invoice(1))
        sim = stocked_simulator()
        original = sim.process

        def lose_invoices(qbxml: str):
            if "<InvoiceAddRq" in qbxml:  # the sendRequestXML answer was lost on the way to QuickBooks
                raise ConnectionError
            return original(qbxml)

        sim.process = lose_invoices
        with contextlib.suppress(ConnectionError):
            await harness.emulator(merchant, sim).run_session()
        sim.process = original
        assert sim.of_kind("Invoice") == []
        _later(harness, 20)
        again = await harness.emulator(merchant, sim).run_session()
        assert again.progress[-1] == 100
        assert [t.ref_number for t in sim.of_kind("Invoice")] == ["000000001"]


async def test_a_customer_quickbooks_never_received_is_sent_again_under_the_same_name(make_settings, qbd_url) -> None:
    async with running(make_settings, qbd_url) as harness:
        merchant = await make_merchant(harness.database)
        await queue(harness.database, merchant.tenant_id, customer_document(1))
        sim = stocked_simulator()
        original = sim.process
        lost: list[str] = []

        def lose_customers(qbxml: str):
            if "<CustomerAddRq" in qbxml:  # QuickBooks never got it (QBWC lost the connection)
                lost.append(qbxml.split("<Name>")[1].split("</Name>")[0])
                raise ConnectionError
            return original(qbxml)

        sim.process = lose_customers
        with contextlib.suppress(ConnectionError):
            await harness.emulator(merchant, sim).run_session()
        sim.process = original
        _later(harness, 20)
        again = await harness.emulator(merchant, sim).run_session()
        assert "<CustomerQueryRq" in again.requests[0] and again.progress[-1] == 100
        assert [c.name for c in sim.customers()] == lost  # not renamed "… (2)" as if someone else held the name


async def test_a_customer_in_doubt_is_adopted_by_name_and_guid(make_settings, qbd_url) -> None:
    async with running(make_settings, qbd_url) as harness:
        merchant = await make_merchant(harness.database)
        await queue(harness.database, merchant.tenant_id, customer_document(1))
        sim = stocked_simulator()
        await harness.emulator(merchant, sim, drop_response=lambda q: "<CustomerAddRq" in q).run_session()
        _later(harness, 20)
        again = await harness.emulator(merchant, sim).run_session()
        assert "<CustomerQueryRq" in again.requests[0] and again.progress == [100]
        assert len(sim.customers()) == 1
        assert set((await _states(harness, merchant.tenant_id)).values()) == {"applied"}


async def test_without_a_guid_an_old_quickbooks_match_is_made_by_number_and_amount(make_settings, qbd_url) -> None:
    async with running(make_settings, qbd_url) as harness:
        merchant = await make_merchant(harness.database)
        await queue(harness.database, merchant.tenant_id, invoice(1))
        sim = stocked_simulator(max_version="8.0")  # ExternalGUID on transactions needs 9.0
        await harness.emulator(merchant, sim, drop_response=lambda q: "<InvoiceAddRq" in q).run_session()
        assert sim.of_kind("Invoice")[0].external_guid is None
        _later(harness, 20)
        again = await harness.emulator(merchant, sim).run_session()
        assert again.progress[-1] == 100 and len(sim.of_kind("Invoice")) == 1
        assert set((await _states(harness, merchant.tenant_id)).values()) == {"applied"}


async def test_a_number_taken_by_someone_elses_invoice_is_held_not_duplicated(make_settings, qbd_url) -> None:
    async with running(make_settings, qbd_url) as harness:
        merchant = await make_merchant(harness.database)
        await queue(harness.database, merchant.tenant_id, invoice(1))
        sim = stocked_simulator()
        await harness.emulator(merchant, sim, drop_response=lambda q: "<InvoiceAddRq" in q).run_session()
        sim.of_kind("Invoice")[0].external_guid = "{00000000-0000-4000-8000-00000000BEEF}"  # not ours after all
        _later(harness, 20)
        again = await harness.emulator(merchant, sim).run_session()
        assert again.progress[-1] == 100 and len(sim.of_kind("Invoice")) == 1
        async with harness.database.session(merchant.tenant_id) as session:
            write = (await session.execute(select(Write).where(Write.object_type == "Invoice"))).scalar_one()
        assert write.state == "held" and write.reason_code == "ambiguous_match"
        assert await outcomes(harness.database, merchant.tenant_id) == [("invoice:1:000000001", "held")]
