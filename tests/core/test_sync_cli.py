"""The engine from the command line: status, preview, variance, audit export, settings and document actions."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from click.testing import CliRunner
from mlc_testing.asyncio_thread import run
from mlc_testing.tenants import connect, make_tenant

from mlconnector.platform.cli.app import build_cli
from mlconnector.platform.db.engine import Database
from mlconnector.platform.documents import Invoice, Line, Party, Payment, encode_document
from mlconnector.platform.plugins import Outcome, SourceRecord, report_outcome, store_records
from mlconnector.platform.sync.sink_settings import save_settings

DAY = date(2026, 3, 1)


def _invoice(number: str, total: str, sku: str = "SKU-1") -> Invoice:
    party = Party(key="guest:ann@example.com", email="ann@example.com", is_guest=True)
    amount = Decimal(total)
    payment = Payment(
        key=f"payment:1:{number}",
        number=number,
        invoice_key=f"invoice:1:{number}",
        store_id="1",
        date=DAY,
        currency="USD",
        amount=amount,
        customer=party,
        method="checkmo",
    )
    return Invoice(
        key=f"invoice:1:{number}",
        number=number,
        source_id=number,
        store_id="1",
        date=DAY,
        currency="USD",
        customer=party,
        lines=(Line(key="1", sku=sku, name="Bag", quantity=Decimal(1), unit_price=amount, amount=amount),),
        subtotal=amount,
        grand_total=amount,
        order_key=f"order:1:{number}",
        order_number=number,
        paid=True,
        payment=payment,
    )


async def _seed(url: str, plugins) -> None:
    """Two invoices queued with the deferred sink: one then posted, one held on an unmapped SKU."""
    from datetime import timedelta

    from sqlalchemy import select

    from mlconnector.platform.jobs.models import Job
    from mlconnector.platform.jobs.registry import registry
    from mlconnector.platform.jobs.runner import RunPolicy, run_job

    database = Database(url)
    tenant = await make_tenant(database, "acme")
    await connect(database, tenant, "testdeferred")
    async with database.session(tenant) as session:
        await save_settings(session, plugins.get("testdeferred"), {"held_skus": ["SKU-9"]}, actor="test")
        records = [
            SourceRecord(
                stream="order",
                key=f"raw:{n}",
                source_id=n,
                updated_at=None,
                payload={"document": encode_document(inv).decode()},
            )
            for n, inv in (("100", _invoice("100", "34.00")), ("101", _invoice("101", "12.50", sku="SKU-9")))
        ]
        await store_records(session, "testplug", records)
    policy = RunPolicy(lease=timedelta(seconds=30), max_attempts=3, min_backoff_ms=10, max_backoff_ms=10)
    async with database.system_session() as session:
        job_ids = (await session.execute(select(Job.id))).scalars().all()
    for job_id in job_ids:
        await run_job(database, registry, job_id, policy)
    async with database.session(tenant) as session:
        await report_outcome(
            session,
            sink="testdeferred",
            document_key="invoice:1:100",
            outcome=Outcome(
                status="posted",
                external_ids={"TxnID": "1-A"},
                totals={
                    "total": "34.00",
                    "subtotal": "34.00",
                    "payment": "34.00",
                    "tax": "0.00",
                    "shipping": "0.00",
                    "discount": "0.00",
                },
            ),
        )
    async with database.system_session() as session:
        settle_ids = (await session.execute(select(Job.id).where(Job.kind == "sync.settle"))).scalars().all()
    for job_id in settle_ids:
        await run_job(database, registry, job_id, policy)
    await database.dispose()


@pytest.fixture
def cli(make_settings, database_url, test_plugins):
    make_settings(DATABASE_URL=database_url)
    run(_seed(database_url, test_plugins))
    runner = CliRunner()
    return lambda *args: runner.invoke(build_cli(), list(args), catch_exceptions=False)


def test_status_lists_holds_with_their_reasons(cli) -> None:
    result = json.loads(cli("status", "acme", "--json").output)
    assert result["sync"]["documents"]["posted"] == 1 and result["sync"]["documents"]["held"] == 1
    assert result["sync"]["holds"][0]["reason"] == "SKU SKU-9 has no item"
    assert result["books"]["connected"] and result["books"]["plugin"] == "testdeferred"
    assert "held 101: SKU SKU-9 has no item" in cli("status", "acme").output


def test_variance_shows_the_held_invoice_as_the_difference(cli) -> None:
    report = json.loads(cli("sync", "variance", "acme", "--day", "2026-03-01", "--json").output)
    sales = next(line for line in report["lines"] if line["category"] == "sales")
    assert (sales["storefront"], sales["books"], sales["difference"]) == ("46.50", "34.00", "-12.50")
    assert report["explanations"][0]["number"] == "101" and not report["balanced"]


def test_audit_export_and_skip(cli) -> None:
    events = json.loads(cli("sync", "audit", "acme", "100", "--format", "json").output)["events"]
    assert [e["action"] for e in events] == ["read", "planned", "queued", "posted"]
    assert events[-1]["sink_ids"] == {"TxnID": "1-A"}
    assert (
        cli("sync", "skip", "acme", "invoice:1:101", "--reason", "test order").output.strip()
        == "invoice:1:101: skipped"
    )
    refused = CliRunner().invoke(build_cli(), ["sync", "retry", "acme", "invoice:1:101"])
    assert refused.exit_code == 1 and "only held, failed, waiting or pending" in refused.output
    csv_lines = cli("sync", "audit", "acme", "101", "--format", "csv").output.splitlines()
    assert csv_lines[0].startswith("id,at,actor,action") and csv_lines[-1].split(",")[3] == "skipped"


def test_settings_round_trip_and_reject_bad_values(cli, tmp_path) -> None:
    good = tmp_path / "good.json"
    good.write_text('{"posting_style": "sales_receipt"}')
    assert json.loads(cli("settings", "set", "acme", "--file", str(good)).output)["posting_style"] == "sales_receipt"
    assert json.loads(cli("settings", "get", "acme").output)["held_skus"] == ["SKU-9"]
    bad = tmp_path / "bad.json"
    bad.write_text('{"posting_style": "barter"}')
    result = CliRunner().invoke(build_cli(), ["settings", "set", "acme", "--file", str(bad)])
    assert result.exit_code == 1 and "posting_style" in result.output
    assert json.loads(cli("settings", "get", "acme").output)["posting_style"] == "sales_receipt"


def test_preview_plans_without_sending(cli) -> None:
    from mlc_testing.plugins import DeferredSink

    before = list(DeferredSink.queued)
    items = json.loads(cli("sync", "preview", "acme", "--json").output)["documents"]
    assert [(item["number"], item["holds"]) for item in items] == [("101", ["SKU SKU-9 has no item"])]
    assert DeferredSink.queued == before  # nothing was delivered


def test_unknown_tenant_is_named(cli) -> None:
    result = CliRunner().invoke(build_cli(), ["sync", "retry", "nobody", "invoice:1:1"])
    assert result.exit_code == 1 and "there is no tenant 'nobody'" in result.output
