"""Each class of QuickBooks status code, end to end through sessions: what the write becomes, what the merchant is
told, and that a record-level error never ends the session with a negative value or loops on a rejected request."""

from __future__ import annotations

from datetime import timedelta

from qbd.helpers import (
    SETTINGS,
    Harness,
    customer_document,
    invoice,
    make_merchant,
    outcomes,
    party,
    queue,
    running,
    stocked_simulator,
)
from sqlalchemy import select

from mlconnector.connectors.qbd.models import Identity, Write
from mlconnector.connectors.qbd.qbxml.guids import external_guid
from mlconnector.connectors.qbd.simulator import QuickBooksSimulator, Reply
from mlconnector.platform.documents import Customer
from mlconnector.platform.plugins import utcnow


async def _writes(harness: Harness, tenant_id) -> dict[str, Write]:
    async with harness.database.session(tenant_id) as session:
        return {w.operation_key: w for w in (await session.execute(select(Write))).scalars()}


def _later(harness: Harness, minutes: int) -> None:
    moment = utcnow() + timedelta(minutes=minutes)
    harness.plugin.registry.clock = lambda: moment


async def test_3100_a_name_used_by_a_vendor_gets_a_deterministic_new_name(make_settings, qbd_url) -> None:
    async with running(make_settings, qbd_url) as harness:
        merchant = await make_merchant(harness.database)
        await queue(harness.database, merchant.tenant_id, invoice(1))
        sim = stocked_simulator()
        sim.add_list("Vendor", "Costello, Veronica (1)")
        report = await harness.emulator(merchant, sim).run_session()
        assert min(report.progress) >= 0 and report.progress[-1] == 100
        assert any(
            "<VendorQueryRq" in r and "<EmployeeQueryRq" in r and "<OtherNameQueryRq" in r for r in report.requests
        )
        [customer] = sim.customers()
        assert customer.name == "Costello, Veronica (1) (2)"
        assert sim.of_kind("Invoice")[0].customer is customer
        assert await outcomes(harness.database, merchant.tenant_id) == [("invoice:1:000000001", "posted")]


async def test_3100_our_own_customer_already_there_is_adopted_not_duplicated(make_settings, qbd_url) -> None:
    async with running(make_settings, qbd_url) as harness:
        merchant = await make_merchant(harness.database)
        await queue(harness.database, merchant.tenant_id, invoice(1))
        sim = stocked_simulator()
        guid = external_guid(merchant.tenant_id, "customer", party(1).key)
        existing = sim.add_list("Customer", "Costello, Veronica (1)", Email="buyer1@example.com", ExternalGUID=guid)
        report = await harness.emulator(merchant, sim).run_session()
        assert report.progress[-1] == 100
        assert sim.customers() == [existing] and sim.of_kind("Invoice")[0].customer is existing
        async with harness.database.session(merchant.tenant_id) as session:
            identity = (await session.execute(select(Identity).where(Identity.object_type == "Customer"))).scalar_one()
        assert identity.qb_id == existing.list_id


async def test_3140_a_missing_item_holds_the_document_with_a_reason_and_the_session_goes_on(
    make_settings, qbd_url
) -> None:
    async with running(make_settings, qbd_url) as harness:
        merchant = await make_merchant(harness.database)
        await queue(harness.database, merchant.tenant_id, invoice(1, paid=True))
        await queue(harness.database, merchant.tenant_id, invoice(2, sku="24-WB04"))
        sim = stocked_simulator()
        sim.delete_in_quickbooks(sim.named("Item", "Joust Duffle Bag"))
        report = await harness.emulator(merchant, sim).run_session()
        assert min(report.progress) >= 0 and report.progress[-1] == 100
        writes = await _writes(harness, merchant.tenant_id)
        held = writes["invoice:1:000000001"]
        assert held.state == "held" and held.reason_code == "missing_reference"
        assert 'QuickBooks has no item "Joust Duffle Bag"' in held.reason
        assert writes["payment:1:000000001"].state == "held"
        assert "did not reach QuickBooks" in writes["payment:1:000000001"].reason
        assert writes["invoice:1:000000002"].state == "applied"
        assert sorted(await outcomes(harness.database, merchant.tenant_id)) == [
            ("invoice:1:000000001", "held"),
            ("invoice:1:000000002", "posted"),
        ]
        _later(harness, 30)
        again = await harness.emulator(merchant, sim).run_session()
        assert again.authenticate[1] == "none"  # a held request is retired, never re-sent by itself


async def test_3170_a_locked_record_is_retried_later_and_3180_other_errors_are_held(make_settings, qbd_url) -> None:
    async with running(make_settings, qbd_url) as harness:
        merchant = await make_merchant(harness.database)
        await queue(harness.database, merchant.tenant_id, invoice(1))
        await queue(harness.database, merchant.tenant_id, invoice(2))
        sim = stocked_simulator()
        lock = (
            "There was an error when saving a Invoice.  QuickBooks error message: "
            "This list has been modified by another user."
        )
        sim.inject("InvoiceAdd", 3170, lock)
        sim.inject(
            "InvoiceAdd",
            3180,
            "There was an error when storing a Invoice.  QuickBooks error message: This record has an error in it.",
        )
        first = await harness.emulator(merchant, sim).run_session()
        assert first.progress[-1] == 100 and sim.of_kind("Invoice") == []
        writes = await _writes(harness, merchant.tenant_id)
        assert writes["invoice:1:000000001"].state == "pending" and writes["invoice:1:000000001"].not_before
        assert writes["invoice:1:000000002"].state == "held"
        _later(harness, 30)
        second = await harness.emulator(merchant, sim).run_session()
        assert second.progress[-1] == 100
        assert [t.ref_number for t in sim.of_kind("Invoice")] == ["000000001"]


async def test_3200_a_stale_edit_sequence_is_refreshed_and_the_mod_sent_again(make_settings, qbd_url) -> None:
    async with running(make_settings, qbd_url) as harness:
        merchant = await make_merchant(harness.database)
        await queue(harness.database, merchant.tenant_id, customer_document(1))
        sim = stocked_simulator()
        await harness.emulator(merchant, sim).run_session()
        [customer] = sim.customers()
        sim.edit_in_quickbooks(customer, Fax="555-0100")  # the bookkeeper touched the record
        moved = party(1, first="Veronica", last="Costello")
        moved = moved.__class__(**{**{f: getattr(moved, f) for f in moved.__struct_fields__}, "phone": "555-0199"})
        _, outcome = await queue(harness.database, merchant.tenant_id, Customer(key="customer-doc:2", party=moved))
        assert outcome.status == "deferred"
        _later(harness, 30)
        report = await harness.emulator(merchant, sim).run_session()
        assert report.progress[-1] == 100
        assert sum("<CustomerModRq" in r for r in report.requests) == 2
        assert customer.fields["Phone"] == "555-0199" and customer.fields["Fax"] == "555-0100"


async def test_3120_a_record_deleted_in_quickbooks_is_held_and_its_mapping_cleared(make_settings, qbd_url) -> None:
    async with running(make_settings, qbd_url) as harness:
        merchant = await make_merchant(harness.database)
        await queue(harness.database, merchant.tenant_id, customer_document(1))
        sim = stocked_simulator()
        await harness.emulator(merchant, sim).run_session()
        sim.delete_in_quickbooks(sim.customers()[0])
        moved = party(1)
        moved = moved.__class__(**{**{f: getattr(moved, f) for f in moved.__struct_fields__}, "phone": "555-0199"})
        await queue(harness.database, merchant.tenant_id, Customer(key="customer-doc:2", party=moved))
        _later(harness, 30)
        report = await harness.emulator(merchant, sim).run_session()
        assert min(report.progress) >= 0
        mod = next(w for key, w in (await _writes(harness, merchant.tenant_id)).items() if "#mod" in key)
        assert mod.state == "held" and mod.reason_code == "deleted_in_quickbooks"
        async with harness.database.session(merchant.tenant_id) as session:
            assert (await session.execute(select(Identity))).scalars().all() == []


async def test_3000_and_3070_are_retired_not_resent(make_settings, qbd_url) -> None:
    async with running(make_settings, qbd_url) as harness:
        merchant = await make_merchant(harness.database)
        await queue(harness.database, merchant.tenant_id, customer_document(1))
        await queue(harness.database, merchant.tenant_id, customer_document(2))
        sim = stocked_simulator()
        sim.inject("CustomerAdd", 3000, 'The given object ID "X" in the field "list id" is invalid.')
        sim.inject("CustomerAdd", 3070, 'The string "xyz" in the field "Name" is too long.')
        report = await harness.emulator(merchant, sim).run_session()
        assert report.progress == [100]
        states = {w.reason_code: w.state for w in (await _writes(harness, merchant.tenant_id)).values()}
        assert states == {"invalid_id": "held", "qb_3070": "failed"}
        _later(harness, 30)
        assert (await harness.emulator(merchant, sim).run_session()).authenticate[1] == "none"
        assert sorted(s for _, s in await outcomes(harness.database, merchant.tenant_id)) == ["failed", "held"]


class Picky(QuickBooksSimulator):
    """Refuses any message set containing a given marker, as QuickBooks refuses XML it cannot parse."""

    marker = "(2)</Name>"

    def process(self, qbxml: str) -> Reply:
        if self.marker in qbxml:
            self.requests_seen.append(qbxml)
            return Reply(
                hresult="0x80040400", message="QuickBooks found an error when parsing the provided XML text stream."
            )
        return super().process(qbxml)


async def test_hresult_0x80040400_isolates_the_bad_request_holds_it_and_never_loops(make_settings, qbd_url) -> None:
    async with running(make_settings, qbd_url) as harness:
        merchant = await make_merchant(harness.database)
        for n in (1, 2, 3):
            await queue(harness.database, merchant.tenant_id, customer_document(n))
        sim = Picky()
        report = await harness.emulator(merchant, sim).run_session()
        assert min(report.progress) >= 0 and report.progress[-1] == 100
        assert len(report.requests) == 4  # the batch of three, then each one alone
        assert sorted(c.name for c in sim.customers()) == ["Costello, Veronica (1)", "Costello, Veronica (3)"]
        bad = (await _writes(harness, merchant.tenant_id))["customer:customer:1:2"]
        assert bad.state == "held" and "0x80040400" in bad.reason and "(2)</Name>" in bad.sent_request
        _later(harness, 30)
        assert (await harness.emulator(merchant, sim).run_session()).authenticate[1] == "none"


async def test_unmapped_documents_never_reach_quickbooks(make_settings, sqlite_qbd_url) -> None:
    async with running(make_settings, sqlite_qbd_url) as harness:
        merchant = await make_merchant(harness.database)
        plan, outcome = await queue(harness.database, merchant.tenant_id, invoice(1, sku="24-XX99"), SETTINGS)
        assert outcome.status == "held" and plan.holds[0].reason == "SKU 24-XX99 has no QuickBooks item"
        sim = stocked_simulator()
        assert (await harness.emulator(merchant, sim).run_session()).authenticate[1] == "none"
