"""Whole Web Connector sessions against the app: a WSDL-generated client, two tenants at once, tickets that must get
nothing, company-file pinning, busy/none/nvu, throttled passwords, honest progress, older QuickBooks versions."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from qbd.helpers import (
    ENDPOINT,
    Harness,
    customer_document,
    invoice,
    make_merchant,
    outcomes,
    queue,
    running,
    stamped,
    stocked_simulator,
)
from sqlalchemy import select

from mlconnector.connectors.qbd.connection_status import describe
from mlconnector.connectors.qbd.emulator import RawSoapTransport
from mlconnector.connectors.qbd.models import Connection, ResponseLog, Write
from mlconnector.connectors.qbd.soap.service import NOT_VALID
from mlconnector.connectors.qbd.writes import repository as writes_repository
from mlconnector.platform.plugins import utcnow


async def _writes(harness: Harness, tenant_id) -> list[Write]:
    async with harness.database.session(tenant_id) as session:
        return list((await session.execute(select(Write).order_by(Write.id))).scalars())


async def test_a_wsdl_generated_client_runs_a_full_session(make_settings, qbd_url) -> None:
    async with running(make_settings, qbd_url) as harness:
        merchant = await make_merchant(harness.database)
        await queue(harness.database, merchant.tenant_id, invoice(1, paid=True))
        sim = stocked_simulator()
        report = await harness.emulator(merchant, sim, zeep=True).run_session()
        assert report.authenticate[1] == "" and report.progress[-1] == 100 and report.closed.startswith("OK")
        [posted] = sim.of_kind("Invoice")
        assert (posted.ref_number, str(posted.total), str(posted.balance)) == ("000000001", "77.20", "0.00")
        assert len(sim.of_kind("ReceivePayment")) == 1 and len(sim.customers()) == 1
        assert {w.state for w in await _writes(harness, merchant.tenant_id)} == {"applied"}
        assert await outcomes(harness.database, merchant.tenant_id) == [("invoice:1:000000001", "posted")]
        async with harness.database.session(merchant.tenant_id) as session:
            kept = await session.execute(select(ResponseLog).where(ResponseLog.tenant_id == merchant.tenant_id))
            kept = list(kept.scalars())
        assert len(kept) == report.exchanges and all(r.processed_at and "<QBXMLMsgsRs>" in r.body for r in kept)


async def test_two_tenants_polling_at_once_never_see_each_others_work(make_settings, qbd_url) -> None:
    async with running(make_settings, qbd_url) as harness:
        alpha, beta = await make_merchant(harness.database, "alpha"), await make_merchant(harness.database, "beta")
        for n in range(1, 7):
            await queue(harness.database, alpha.tenant_id, invoice(n))
            await queue(harness.database, beta.tenant_id, invoice(100 + n))
        sims = {alpha.slug: stocked_simulator(company_name="Alpha"), beta.slug: stocked_simulator(company_name="Beta")}
        reports = await asyncio.gather(*(harness.emulator(m, sims[m.slug]).run_session() for m in (alpha, beta)))
        assert all(report.progress[-1] == 100 for report in reports)
    alpha_refs = sorted(t.ref_number for t in sims["alpha"].of_kind("Invoice"))
    beta_refs = sorted(t.ref_number for t in sims["beta"].of_kind("Invoice"))
    assert alpha_refs == [f"{n:09d}" for n in range(1, 7)]
    assert beta_refs == [f"{100 + n:09d}" for n in range(1, 7)]


async def test_forged_expired_and_closed_tickets_get_nothing(make_settings, qbd_url) -> None:
    async with running(make_settings, qbd_url) as harness:
        merchant = await make_merchant(harness.database)
        await queue(harness.database, merchant.tenant_id, customer_document(1))
        raw = RawSoapTransport(harness.client, ENDPOINT)
        params = {
            "strHCPResponse": "",
            "strCompanyFileName": "C:\\x.QBW",
            "qbXMLCountry": "US",
            "qbXMLMajorVers": 13,
            "qbXMLMinorVers": 0,
        }
        forged = "Z" * 43
        assert await raw.call("sendRequestXML", ticket=forged, **params) == ""
        assert await raw.call("receiveResponseXML", ticket=forged, response="<QBXML/>", hresult="", message="") == -1
        assert await raw.call("getLastError", ticket=forged) == NOT_VALID

        ticket, _ = await raw.call("authenticate", strUserName=merchant.username, strPassword=merchant.password)
        assert len(ticket) >= 43  # 256 random bits, url-safe
        start = utcnow()
        harness.plugin.registry.clock = lambda: start + timedelta(minutes=16)
        assert await raw.call("sendRequestXML", ticket=ticket, **params) == ""  # idle too long: expired
        harness.plugin.registry.clock = lambda: start + timedelta(minutes=20)
        ticket, _ = await raw.call("authenticate", strUserName=merchant.username, strPassword=merchant.password)
        assert (await raw.call("closeConnection", ticket=ticket)).startswith("OK")
        assert await raw.call("sendRequestXML", ticket=ticket, **params) == ""  # closed
        assert [w.state for w in await _writes(harness, merchant.tenant_id)] == ["pending"]


async def test_another_company_file_is_refused_and_shown_to_the_tenant(make_settings, qbd_url) -> None:
    async with running(make_settings, qbd_url) as harness:
        merchant = await make_merchant(harness.database)
        async with harness.database.session(merchant.tenant_id) as session:
            file_id = (await session.execute(select(Connection.file_id))).scalar_one()
        await queue(harness.database, merchant.tenant_id, invoice(1))
        books = stamped(stocked_simulator(company_name="Acme Books"), file_id)
        first = await harness.emulator(merchant, books).run_session()
        assert first.progress[-1] == 100
        await queue(harness.database, merchant.tenant_id, invoice(2))
        sample = stamped(
            stocked_simulator(company_name="Rock Castle Construction"), "{0F0F0F0F-0000-4000-8000-000000000001}"
        )
        harness.plugin.registry.clock = lambda: utcnow() + timedelta(minutes=30)
        second = await harness.emulator(merchant, sample).run_session()
        assert second.requests == [] and "Rock Castle Construction" in second.last_error
        assert sample.of_kind("Invoice") == []
        unnamed = stocked_simulator(company_name="Other Books")  # no FileID: the company name decides
        harness.plugin.registry.clock = lambda: utcnow() + timedelta(minutes=60)
        third = await harness.emulator(merchant, unnamed).run_session()
        assert third.requests == [] and '"Acme Books"' in third.last_error
        status = await describe(merchant.username, harness.database)
        assert not status.ok and status.problem == "forbidden" and "Other Books" in status.message
        harness.plugin.registry.clock = lambda: utcnow() + timedelta(minutes=90)
        fourth = await harness.emulator(merchant, books).run_session()
        assert fourth.progress[-1] == 100 and len(books.of_kind("Invoice")) == 2
        assert (await describe(merchant.username, harness.database)).ok


async def test_busy_none_and_nvu(make_settings, qbd_url) -> None:
    async with running(make_settings, qbd_url) as harness:
        merchant = await make_merchant(harness.database)
        raw = RawSoapTransport(harness.client, ENDPOINT)
        none = await raw.call("authenticate", strUserName=merchant.username, strPassword=merchant.password)
        assert len(none) == 4 and none[1] == "none" and none[2] == "900"
        await queue(harness.database, merchant.tenant_id, customer_document(1))
        ticket, status = await raw.call("authenticate", strUserName=merchant.username, strPassword=merchant.password)
        assert status == "" and ticket
        assert await raw.call("authenticate", strUserName=merchant.username, strPassword=merchant.password) == [
            "",
            "busy",
        ]
        assert await raw.call("authenticate", strUserName="nobody", strPassword="x") == ["", "nvu"]
        assert await raw.call("authenticate", strUserName=merchant.username, strPassword="wrong") == ["", "nvu"]


async def test_repeated_wrong_passwords_lock_the_user_name_for_a_while(make_settings, qbd_url) -> None:
    async with running(make_settings, qbd_url) as harness:
        merchant = await make_merchant(harness.database)
        await queue(harness.database, merchant.tenant_id, customer_document(1))
        raw = RawSoapTransport(harness.client, ENDPOINT)
        planted = "planted-secret-XYZZY-123456"
        for _ in range(5):
            assert (await raw.call("authenticate", strUserName=merchant.username, strPassword=planted))[1] == "nvu"
        locked = await raw.call("authenticate", strUserName=merchant.username, strPassword=merchant.password)
        assert locked[1] == "nvu"
        harness.plugin.registry.clock = lambda: utcnow() + timedelta(minutes=2)
        ticket, status = await raw.call("authenticate", strUserName=merchant.username, strPassword=merchant.password)
        assert status == "" and ticket
        async with harness.database.session(merchant.tenant_id) as session:
            connection = (await session.execute(select(Connection))).scalar_one()
        assert connection.password_hash.startswith("sha256$") and merchant.password not in connection.password_hash
        assert connection.failed_logins == 0
        dumped = repr([getattr(connection, c.key) for c in Connection.__table__.columns])
        assert planted not in dumped and merchant.password not in dumped


async def test_a_password_stored_before_the_digest_scheme_still_works_and_is_upgraded(make_settings, qbd_url) -> None:
    """Web Connectors set up when passwords were stored as argon2id keep working; the hash becomes the digest."""
    from argon2 import PasswordHasher
    from sqlalchemy import update

    async with running(make_settings, qbd_url) as harness:
        merchant = await make_merchant(harness.database)
        legacy = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(merchant.password)
        async with harness.database.session(merchant.tenant_id) as session:
            await session.execute(update(Connection).values(password_hash=legacy))
        await queue(harness.database, merchant.tenant_id, customer_document(1))
        raw = RawSoapTransport(harness.client, ENDPOINT)
        assert (await raw.call("authenticate", strUserName=merchant.username, strPassword="wrong"))[1] == "nvu"
        async with harness.database.session(merchant.tenant_id) as session:
            assert (await session.execute(select(Connection.password_hash))).scalar_one() == legacy
        ticket, status = await raw.call("authenticate", strUserName=merchant.username, strPassword=merchant.password)
        assert status == "" and ticket
        async with harness.database.session(merchant.tenant_id) as session:
            upgraded = (await session.execute(select(Connection.password_hash))).scalar_one()
        assert upgraded.startswith("sha256$") and merchant.password not in upgraded
        await raw.call("closeConnection", ticket=ticket)
        again = await raw.call("authenticate", strUserName=merchant.username, strPassword=merchant.password)
        assert again[0] and again[1] != "nvu"


async def test_progress_is_honest_and_dependents_go_in_a_later_exchange(make_settings, qbd_url) -> None:
    async with running(make_settings, qbd_url) as harness:
        merchant = await make_merchant(harness.database)
        for n in range(1, 6):
            await queue(harness.database, merchant.tenant_id, invoice(n, paid=True))
        sim = stocked_simulator()
        report = await harness.emulator(merchant, sim).run_session()
    first, second, third = report.requests
    assert first.count("<CustomerAddRq") == 5 and "<InvoiceAddRq" not in first
    assert second.count("<InvoiceAddRq") == 5 and third.count("<ReceivePaymentAddRq") == 5
    assert report.progress == [33, 66, 100]
    assert all(txn.balance == 0 for txn in sim.of_kind("Invoice"))


async def test_progress_stays_honest_when_the_backlog_is_longer_than_an_exchange_counts(
    make_settings, qbd_url, monkeypatch
) -> None:
    """An exchange counts only the first few writes still to go (so its cost does not grow with the backlog); the
    count taken when the session started keeps the percentage true."""
    monkeypatch.setattr(writes_repository, "WAITING_COUNTED_UP_TO", 2)
    async with running(make_settings, qbd_url) as harness:
        merchant = await make_merchant(harness.database)
        for n in range(1, 6):
            await queue(harness.database, merchant.tenant_id, invoice(n, paid=True))
        report = await harness.emulator(merchant, stocked_simulator()).run_session()
    assert report.progress == [33, 66, 100]


async def test_an_old_quickbooks_gets_its_own_qbxml_version(make_settings, sqlite_qbd_url) -> None:
    async with running(make_settings, sqlite_qbd_url) as harness:
        merchant = await make_merchant(harness.database)
        await queue(harness.database, merchant.tenant_id, invoice(1, paid=True))
        sim = stocked_simulator(product="QuickBooks Pro 2006", max_version="5.0")
        report = await harness.emulator(merchant, sim).run_session()
    assert report.progress[-1] == 100 and len(sim.of_kind("ReceivePayment")) == 1
    assert all('<?qbxml version="5.0"?>' in request and "ExternalGUID" not in request for request in report.requests)
