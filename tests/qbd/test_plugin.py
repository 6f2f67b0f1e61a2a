"""The ``qbd`` plugin through the plugin API: the contract kit, planning (order, holds a bookkeeper can act on),
deferred delivery, the check hook, the CLI, the .qwc file, list refreshes, and models matching the migration."""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from click.testing import CliRunner
from lxml import etree
from qbd.helpers import (
    OUTCOMES,
    SETTINGS,
    credit_memo,
    customer_document,
    invoice,
    make_merchant,
    outcomes,
    queue,
    running,
    stocked_simulator,
)
from sqlalchemy import select, update

from mlconnector.connectors.qbd import admin
from mlconnector.connectors.qbd.cli import qbwc
from mlconnector.connectors.qbd.connection_status import describe
from mlconnector.connectors.qbd.models import CatalogEntry, Connection, QbdBase, Write
from mlconnector.connectors.qbd.plugin import QuickBooksDesktopSink
from mlconnector.connectors.qbd.qwc import OWNER_ID, QwcError, qwc_file
from mlconnector.platform.db.engine import build_engine
from mlconnector.platform.documents import Payment
from mlconnector.platform.plugins import SinkContext, utcnow
from mlconnector.platform.plugins.calls import check_plan
from mlconnector.platform.plugins.contract import SinkContract


class TestQuickBooksDesktopContract(SinkContract):
    plugin_class = QuickBooksDesktopSink
    valid_config = {"username": "acme-books"}
    unreachable_config = {"username": "nobody-has-this-name"}
    sample_documents = [invoice(1, paid=True), credit_memo(2), customer_document(3)]

    def make_context(self) -> SinkContext:
        """One tenant (ExternalGUIDs derive from it); no session: nothing is known to be posted yet."""
        return SinkContext(tenant_id=uuid.UUID(int=42), config=dict(self.valid_config), session=None, settings=SETTINGS)


async def _plan(database, tenant_id, document, settings=None):
    plan, _ = await queue(database, tenant_id, document, settings)
    return plan


async def test_plans_post_customer_then_invoice_then_payment_with_exact_qbxml(qbd_database) -> None:
    merchant = await make_merchant(qbd_database)
    plan, outcome = await queue(qbd_database, merchant.tenant_id, invoice(1, paid=True))
    assert [op.object_type for op in plan.operations] == ["Customer", "Invoice", "ReceivePayment"]
    assert check_plan(QuickBooksDesktopSink(), plan.document_key, plan) is plan
    assert plan.operations[2].depends_on == ("customer:customer:1:1", "invoice:1:000000001")
    request = etree.fromstring(plan.operations[1].request.encode())
    assert request.findtext(".//RefNumber") == "000000001"
    assert [n.text for n in request.iter("Amount")] == ["68.00", "-5.00", "10.00", "4.20"]
    assert outcome.status == "deferred"
    _, second = await queue(qbd_database, merchant.tenant_id, invoice(1, paid=True))
    async with qbd_database.session(merchant.tenant_id) as session:
        assert len((await session.execute(select(Write))).scalars().all()) == 3  # delivered twice, queued once
    assert second.status == "deferred"


async def test_a_customer_shared_by_two_invoices_is_added_once(qbd_database) -> None:
    merchant = await make_merchant(qbd_database)
    await queue(qbd_database, merchant.tenant_id, invoice(1))
    await queue(qbd_database, merchant.tenant_id, invoice(2, buyer=invoice(1).customer))
    async with qbd_database.session(merchant.tenant_id) as session:
        kinds = sorted(w.object_type for w in (await session.execute(select(Write))).scalars())
    assert kinds == ["Customer", "Invoice", "Invoice"]


async def test_a_buyer_planned_after_their_invoice_is_settled_when_the_invoice_adds_them(
    make_settings, qbd_url
) -> None:
    """The invoice's plan queued the CustomerAdd; the buyer's own document, planned next, needs that same write.
    It waits on it, and is told "posted" (with the customer's ListID) in the answer that adds the customer,
    instead of staying queued for ever."""
    async with running(make_settings, qbd_url) as harness:
        merchant = await make_merchant(harness.database)
        _, by_invoice = await queue(harness.database, merchant.tenant_id, invoice(1))
        _, by_buyer = await queue(harness.database, merchant.tenant_id, customer_document(1))
        assert (by_invoice.status, by_buyer.status) == ("deferred", "deferred")
        sim = stocked_simulator()
        await harness.emulator(merchant, sim).run_session()
        [customer] = sim.customers()  # added once
        settled = await outcomes(harness.database, merchant.tenant_id)
        assert sorted(settled) == [("customer-doc:customer:1:1", "posted"), ("invoice:1:000000001", "posted")]
        async with harness.database.session(merchant.tenant_id) as session:
            inbox = await session.execute(
                select(OUTCOMES.c.outcome).where(OUTCOMES.c.document_key.like("customer-doc:%"))
            )
            assert inbox.scalar_one()["external_ids"] == {"customer:customer:1:1": customer.list_id}


async def test_two_invoices_of_a_new_buyer_planned_at_the_same_moment_add_the_customer_once(qbd_database) -> None:
    """Two posting jobs plan the same new customer in overlapping transactions: the second yields to the first's
    write instead of failing on the unique operation key (and being retried)."""
    import asyncio

    merchant = await make_merchant(qbd_database)
    plugin = QuickBooksDesktopSink()
    first, second = invoice(1), invoice(2, buyer=invoice(1).customer)

    def context(session) -> SinkContext:  # type: ignore[no-untyped-def]
        return SinkContext(tenant_id=merchant.tenant_id, config={"username": "x"}, session=session, settings=SETTINGS)

    a, b = qbd_database.open(merchant.tenant_id), qbd_database.open(merchant.tenant_id)
    async with a, b:
        await a.begin()
        await b.begin()
        plan_a = await plugin.plan(context(a), first)
        plan_b = await plugin.plan(context(b), second)  # neither sees the other's customer yet
        assert (await plugin.deliver(context(a), plan_a)).status == "deferred"
        late = asyncio.create_task(plugin.deliver(context(b), plan_b))
        await asyncio.sleep(0.3)  # b's customer insert waits for a's transaction
        await a.commit()
        assert (await late).status == "deferred"
        await b.commit()
    async with qbd_database.session(merchant.tenant_id) as session:
        kinds = sorted(w.object_type for w in (await session.execute(select(Write))).scalars())
    assert kinds == ["Customer", "Invoice", "Invoice"]


@pytest.mark.parametrize(
    ("document", "settings", "code", "reason"),
    [
        (invoice(1, sku="24-XX99"), SETTINGS, "unmapped_sku", "SKU 24-XX99 has no QuickBooks item"),
        (
            invoice(1, paid=True),
            {**SETTINGS, "payment_methods": {}},
            "unmapped_payment_method",
            'Payment method "checkmo" (Check / Money order) has no QuickBooks payment method',
        ),
        (
            invoice(1),
            {**SETTINGS, "shipping_item": None},
            "no_shipping_item",
            "Shipping of 10.00 needs a QuickBooks item: choose the shipping item in the QuickBooks settings",
        ),
        (
            invoice(1),
            {**SETTINGS, "ref_number_prefix": "WEB-STORE-", "ref_number_overflow": "hold"},
            "ref_number_too_long",
            "Number WEB-STORE-000000001 is longer than the 11 characters",
        ),
        (invoice(1), {**SETTINGS, "colour": "red"}, "invalid_settings", "colour"),
    ],
)
async def test_holds_say_what_to_fix(qbd_database, document, settings, code, reason) -> None:
    merchant = await make_merchant(qbd_database)
    plan, outcome = await queue(qbd_database, merchant.tenant_id, document, settings)
    assert not plan.operations and plan.holds[0].code == code and reason in plan.holds[0].reason
    assert outcome.status == "held"
    async with qbd_database.session(merchant.tenant_id) as session:
        assert (await session.execute(select(Write))).scalars().all() == []


async def test_a_fallback_item_and_the_tail_ref_number_policy(qbd_database) -> None:
    merchant = await make_merchant(qbd_database)
    settings = {**SETTINGS, "fallback_item": "Misc Sale", "ref_number_prefix": "WEB-STORE-"}
    plan = await _plan(qbd_database, merchant.tenant_id, invoice(1, sku="24-XX99"), settings)
    request = etree.fromstring(plan.operations[1].request.encode())
    assert request.findtext(".//InvoiceLineAdd/ItemRef/FullName") == "Misc Sale"
    assert request.findtext(".//RefNumber") == "E-000000001"  # the last 11 characters


async def test_totals_that_do_not_add_up_are_held(qbd_database) -> None:
    merchant = await make_merchant(qbd_database)
    broken = invoice(1).__class__(
        **{**{f: getattr(invoice(1), f) for f in invoice(1).__struct_fields__}, "grand_total": D("99.99")}
    )
    plan = await _plan(qbd_database, merchant.tenant_id, broken)
    assert plan.holds[0].code == "totals_mismatch" and "77.20" in plan.holds[0].reason


async def test_a_closed_period_holds_the_document(qbd_database) -> None:
    merchant = await make_merchant(qbd_database)
    async with qbd_database.session(merchant.tenant_id) as session:
        await session.execute(update(Connection).values(closing_date=date(2026, 1, 31)))
    plan = await _plan(qbd_database, merchant.tenant_id, invoice(1))
    assert plan.holds[0].code == "closed_period" and "closed through 2026-01-31" in plan.holds[0].reason


async def test_payments_and_credit_memos_wait_for_their_invoice(qbd_database) -> None:
    merchant = await make_merchant(qbd_database)
    paid = invoice(1, paid=True)
    lone = Payment(**{f: getattr(paid.payment, f) for f in paid.payment.__struct_fields__})
    plan = await _plan(qbd_database, merchant.tenant_id, lone)
    assert plan.holds[0].code == "invoice_not_posted"
    plan = await _plan(qbd_database, merchant.tenant_id, credit_memo(1))
    assert plan.holds[0].code == "invoice_not_posted"
    await queue(qbd_database, merchant.tenant_id, invoice(1))
    plan = await _plan(qbd_database, merchant.tenant_id, credit_memo(1))
    assert [op.object_type for op in plan.operations] == ["Customer", "CreditMemo"]
    assert "invoice:1:000000001" in plan.operations[-1].depends_on


async def test_paid_invoices_can_post_as_sales_receipts(make_settings, qbd_url) -> None:
    settings = {**SETTINGS, "paid_invoices": "sales_receipt"}
    async with running(make_settings, qbd_url) as harness:
        merchant = await make_merchant(harness.database)
        plan, _ = await queue(harness.database, merchant.tenant_id, invoice(1, paid=True), settings)
        assert [op.object_type for op in plan.operations] == ["Customer", "SalesReceipt"]
        sim = stocked_simulator()
        assert (await harness.emulator(merchant, sim).run_session()).progress[-1] == 100
        [receipt] = sim.of_kind("SalesReceipt")
        assert str(receipt.total) == "77.20" and sim.of_kind("Invoice") == []
        paid = invoice(1, paid=True)
        plan, outcome = await queue(harness.database, merchant.tenant_id, paid.payment, settings)
        assert plan.operations[0].action == "existing" and outcome.status == "posted"


async def test_the_item_list_is_read_page_by_page_in_one_session_and_used_for_planning(make_settings, qbd_url) -> None:
    async with running(make_settings, qbd_url) as harness:
        merchant = await make_merchant(harness.database)
        await admin.request_list_refresh(harness.database, merchant.tenant_id)
        sim = stocked_simulator()
        for n in range(230):
            sim.add_item(f"24-SKU{n:03d}", "ItemInventoryRet")
        report = await harness.emulator(merchant, sim).run_session()
        assert report.progress[-1] == 100
        assert sum('iterator="Continue"' in r for r in report.requests) == 2  # 236 items: 100 + 100 + 36
        async with harness.database.session(merchant.tenant_id) as session:
            items = (await session.execute(select(CatalogEntry).where(CatalogEntry.list_type == "Item"))).scalars()
            assert len(list(items)) == 236
        plan = await _plan(harness.database, merchant.tenant_id, invoice(1, sku="24-SKU007"), {**SETTINGS, "items": {}})
        assert etree.fromstring(plan.operations[1].request.encode()).findtext(".//ItemRef/FullName") == "24-SKU007"
        plan = await _plan(harness.database, merchant.tenant_id, invoice(2), {**SETTINGS, "items": {"24-MB01": "Gone"}})
        assert plan.holds[0].code == "unknown_item"


async def test_check_reports_what_the_web_connector_last_showed(make_settings, qbd_url) -> None:
    async with running(make_settings, qbd_url) as harness:
        assert (await describe("nobody", harness.database)).problem == "not_found"
        merchant = await make_merchant(harness.database)
        waiting = await describe(merchant.username, harness.database)
        assert waiting.problem == "unreachable" and ".qwc" in waiting.message
        await queue(harness.database, merchant.tenant_id, customer_document(1))
        await harness.emulator(merchant, stocked_simulator(company_name="Acme Books")).run_session()
        connected = await describe(merchant.username, harness.database)
        assert connected.ok and 'Connected to QuickBooks company "Acme Books"' in connected.message


def test_cli_sets_the_password_once_and_prints_the_qwc(make_settings, tmp_path, sqlite_qbd_url, monkeypatch) -> None:
    import asyncio

    from qbd.helpers import make_merchant as make

    from mlconnector.platform.db.engine import Database

    make_settings(DATABASE_URL=sqlite_qbd_url, PUBLIC_BASE_URL="https://sync.example.com")

    async def setup() -> None:
        database = Database(sqlite_qbd_url)
        await make(database, "acme")
        await database.dispose()

    asyncio.run(setup())
    runner = CliRunner()
    first = runner.invoke(qbwc, ["password", "acme", "--json"])
    assert first.exit_code == 0, first.output
    password = json.loads(first.output)["password"]
    assert len(password) >= 32
    second = json.loads(runner.invoke(qbwc, ["password", "acme", "--json"]).output)
    assert second["password"] != password and second["username"] == "acme"
    qwc = runner.invoke(qbwc, ["qwc", "acme"])
    assert qwc.exit_code == 0, qwc.output
    root = etree.fromstring(qwc.output.encode())
    assert root.findtext("AppURL") == "https://sync.example.com/connectors/qbd/qbwc"
    assert (root.findtext("UserName"), root.findtext("OwnerID"), root.findtext("QBType")) == ("acme", OWNER_ID, "QBFS")
    assert root.findtext("Scheduler/RunEveryNMinutes") == "15" and root.findtext("IsReadOnly") == "false"
    assert password not in qwc.output and second["password"] not in qwc.output
    assert runner.invoke(qbwc, ["password", "nosuchshop"]).exit_code != 0


def test_the_qwc_needs_https_except_on_this_machine() -> None:
    common = {"username": "acme", "file_id": "{11111111-2222-3333-4444-555555555555}", "run_every_minutes": 5}
    assert b"<AppURL>http://localhost:8000/connectors/qbd/qbwc</AppURL>" in qwc_file(
        public_base_url="http://localhost:8000", **common
    )
    with pytest.raises(QwcError, match="https"):
        qwc_file(public_base_url="http://sync.example.com", **common)


async def test_every_tenant_gets_its_own_file_id_and_user_name(qbd_database) -> None:
    one, two = await make_merchant(qbd_database, "one"), await make_merchant(qbd_database, "two")
    ids = []
    for merchant in (one, two):
        async with qbd_database.session(merchant.tenant_id) as session:
            ids.append(
                (
                    await session.execute(
                        select(Connection.file_id, Connection.username).where(
                            Connection.tenant_id == merchant.tenant_id
                        )
                    )
                ).one()
            )
    assert ids[0] != ids[1] and ids[0][1] == "one"
    with pytest.raises(admin.AdminError, match="already used"):
        await admin.rotate_password(qbd_database, two.tenant_id, "one")


async def test_the_models_match_the_migration(qbd_url) -> None:
    engine = build_engine(qbd_url, null_pool=True)
    include = lambda obj, name, kind, *_: kind != "table" or name.startswith("qbd_")  # noqa: E731
    async with engine.connect() as connection:
        differences = await connection.run_sync(
            lambda sync: compare_metadata(
                MigrationContext.configure(sync, opts={"compare_type": False, "include_object": include}),
                QbdBase.metadata,
            )
        )
    await engine.dispose()
    assert differences == []


async def test_expired_sessions_are_superseded_and_the_write_is_in_doubt(make_settings, qbd_url) -> None:
    async with running(make_settings, qbd_url) as harness:
        merchant = await make_merchant(harness.database)
        await queue(harness.database, merchant.tenant_id, customer_document(1))
        sim = stocked_simulator()
        await harness.emulator(merchant, sim, drop_response=lambda q: True).run_session()
        moment = utcnow() + timedelta(minutes=20)
        harness.plugin.registry.clock = lambda: moment
        _, status = await harness.emulator(merchant, sim).transport.call(
            "authenticate", strUserName=merchant.username, strPassword=merchant.password
        )
        async with harness.database.session(merchant.tenant_id) as session:
            write = (await session.execute(select(Write))).scalar_one()
        assert status == "" and (write.state, write.step) == ("in_doubt", "reconcile")
