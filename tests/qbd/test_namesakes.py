"""Buyers sharing a name: each becomes its own QuickBooks customer, "Eli Park", "Eli Park (2)", … found from one
StartsWith query per name list, never held while a name is free, never added twice."""

from __future__ import annotations

import uuid
from datetime import timedelta

from lxml import etree
from qbd.helpers import SETTINGS, Harness, invoice, make_merchant, outcomes, party, queue, running, stocked_simulator
from sqlalchemy import select

from mlconnector.connectors.qbd.models import Write
from mlconnector.connectors.qbd.naming import MAX_SUFFIX, first_free, namesake_prefix, suffixed
from mlconnector.connectors.qbd.qbxml.envelope import document
from mlconnector.connectors.qbd.qbxml.names import namesake_queries
from mlconnector.connectors.qbd.simulator import QuickBooksSimulator
from mlconnector.connectors.qbd.writes.repository import customer_names_in_flight
from mlconnector.platform.documents import Party
from mlconnector.platform.plugins import utcnow

BY_NAME = {**SETTINGS, "customer_name": "{first_name} {last_name}"}
NAMESAKES = 12


def _eli(n: int) -> Party:
    return party(n, first="Eli", last="Park")


async def _customer_writes(harness: Harness, tenant_id: uuid.UUID) -> list[Write]:
    async with harness.database.session(tenant_id) as session:
        rows = (await session.execute(select(Write).where(Write.object_type == "Customer"))).scalars()
        return list(rows)


async def test_twelve_buyers_named_eli_park_become_twelve_customers_and_nothing_is_held(
    make_settings, qbd_url
) -> None:
    async with running(make_settings, qbd_url) as harness:
        merchant = await make_merchant(harness.database)
        for n in range(1, NAMESAKES + 1):
            await queue(harness.database, merchant.tenant_id, invoice(n, buyer=_eli(n), paid=True), BY_NAME)
        sim = stocked_simulator()
        report = await harness.emulator(merchant, sim).run_session()
        assert min(report.progress) >= 0 and report.progress[-1] == 100

        names = sorted((c.name for c in sim.customers()), key=lambda name: (len(name), name))
        assert names == ["Eli Park"] + [f"Eli Park ({n})" for n in range(2, NAMESAKES + 1)]
        emails = {c.fields["Email"] for c in sim.customers()}
        assert emails == {f"buyer{n}@example.com" for n in range(1, NAMESAKES + 1)}  # each buyer once, no duplicate
        buyers = {txn.ref_number: txn.customer.fields["Email"] for txn in sim.of_kind("Invoice")}
        assert buyers == {f"{n:09d}": f"buyer{n}@example.com" for n in range(1, NAMESAKES + 1)}
        settled = await outcomes(harness.database, merchant.tenant_id)
        assert sorted(status for _, status in settled) == ["posted"] * NAMESAKES
        writes = await _customer_writes(harness, merchant.tenant_id)
        assert all(w.state == "applied" for w in writes)
        assert sorted((w.match or {}).get("renames", 0) for w in writes) == [0] + [1] * (NAMESAKES - 1)  # one query


async def test_a_hole_in_the_numbers_is_reused_and_every_list_and_inactive_name_counts(make_settings, qbd_url) -> None:
    async with running(make_settings, qbd_url) as harness:
        merchant = await make_merchant(harness.database)
        sim = stocked_simulator()
        for name in ("Eli Park", "ELI PARK (2)", "Eli Park (4)"):  # "(3)" was deleted or renamed in QuickBooks
            sim.add_list("Customer", name)
        sim.add_list("Customer", "Eli Park (5)").is_active = False
        sim.add_list("Vendor", "Eli Park (6)")
        sim.add_list("Employee", "Eli Park (7)")
        for n in (1, 2):
            await queue(harness.database, merchant.tenant_id, invoice(n, buyer=_eli(n)), BY_NAME)
        report = await harness.emulator(merchant, sim).run_session()
        assert report.progress[-1] == 100
        ours = {c.fields.get("Email"): c.name for c in sim.customers() if c.fields.get("Email")}
        assert ours == {"buyer1@example.com": "Eli Park (3)", "buyer2@example.com": "Eli Park (8)"}
        assert sorted(status for _, status in await outcomes(harness.database, merchant.tenant_id)) == ["posted"] * 2


async def test_a_renamed_customer_whose_answer_was_lost_is_adopted_not_added_twice(make_settings, qbd_url) -> None:
    async with running(make_settings, qbd_url) as harness:
        merchant = await make_merchant(harness.database)
        sim = stocked_simulator()
        sim.add_list("Customer", "Eli Park")  # someone else
        await queue(harness.database, merchant.tenant_id, invoice(1, buyer=_eli(1)), BY_NAME)
        lost = await harness.emulator(
            merchant, sim, drop_response=lambda q: "<CustomerAddRq" in q and "Eli Park (2)</Name>" in q
        ).run_session()
        assert lost.dropped and [c.name for c in sim.customers()] == ["Eli Park", "Eli Park (2)"]

        moment = utcnow() + timedelta(minutes=20)  # the next scheduled run finds the add in doubt
        harness.plugin.registry.clock = lambda: moment
        again = await harness.emulator(merchant, sim).run_session()
        assert again.progress[-1] == 100 and "<FullName>Eli Park (2)</FullName>" in again.requests[0]
        assert not any("<CustomerAddRq" in request for request in again.requests)
        assert [c.name for c in sim.customers()] == ["Eli Park", "Eli Park (2)"]
        assert await outcomes(harness.database, merchant.tenant_id) == [("invoice:1:000000001", "posted")]


def test_the_name_query_finds_every_namesake_as_quickbooks_does() -> None:
    sim = stocked_simulator()
    for name in ("Eli Park", "eli park (2)", "Elias Parker", "Ann Eli Park"):
        sim.add_list("Customer", name)
    sim.add_list("Customer", "Eli Park (3)").is_active = False
    sim.add_list("Vendor", "Eli Park (4)")

    def found(request: str) -> tuple[str, list[str]]:
        answer = etree.fromstring(sim.process(document([etree.fromstring(request)], version="13.0")).response)
        rs = answer.find("QBXMLMsgsRs")[0]
        return rs.get("statusCode"), [ret.findtext("Name") for ret in rs]

    customers, vendors, employees, _ = (query.xml for query in namesake_queries("ELI PARK"))
    assert found(customers) == ("0", ["Eli Park", "eli park (2)", "Eli Park (3)"])  # any case, inactive too
    assert found(vendors) == ("0", ["Eli Park (4)"])
    assert found(employees)[0] == "1"  # nothing found: Info 1, not an error
    active_only = customers.replace("<ActiveStatus>All</ActiveStatus>", "")
    assert found(active_only) == ("0", ["Eli Park", "eli park (2)"])  # QuickBooks' default is ActiveOnly
    contains = customers.replace("StartsWith", "Contains")
    assert found(contains)[1] == ["Eli Park", "eli park (2)", "Ann Eli Park", "Eli Park (3)"]


def test_long_names_keep_the_number_and_stay_within_41_characters() -> None:
    base = "Bartholomew-Christopherson Wolfeschlegel"  # 40 characters
    assert len(suffixed(base, 12)) == 41 and suffixed(base, 12).endswith(" (12)")
    prefix = namesake_prefix(base)
    assert all(suffixed(base, n).startswith(prefix) for n in (1, 2, 10, 999, MAX_SUFFIX))
    taken = [suffixed(base, n) for n in range(1, 11)]
    assert first_free(base, taken) == suffixed(base, 11)


def test_only_when_every_number_is_taken_is_there_no_name() -> None:
    taken = [suffixed("Eli Park", n) for n in range(1, MAX_SUFFIX + 1)]
    assert first_free("Eli Park", taken) is None
    assert first_free("Eli Park", taken[:-1]) == f"Eli Park ({MAX_SUFFIX})"


def test_the_simulator_refuses_a_name_filter_the_schema_does_not_allow() -> None:
    sim = QuickBooksSimulator()
    bad = "<CustomerQueryRq><NameFilter><MatchCriterion>Begins</MatchCriterion><Name>E</Name></NameFilter>"
    bad += "</CustomerQueryRq>"
    reply = sim.process(document([etree.fromstring(bad)], version="13.0"))
    assert reply.hresult == "0x80040400"


async def test_a_rename_reads_only_the_namesakes_in_flight_without_case_and_taking_the_name_literally(
    make_settings, qbd_url
) -> None:
    """The names our own waiting CustomerAdds are about to take are read for the bases being renamed only, compared
    without case as QuickBooks does, with ``_`` and ``%`` in a name meaning themselves."""
    buyers = [("Eli", "Park"), ("ELI", "PARK"), ("Ana", "Lee"), ("Eli_", "Park"), ("Elix", "Park"), ("100%", "Oak")]
    async with running(make_settings, qbd_url) as harness:
        merchant = await make_merchant(harness.database)
        for n, (first, last) in enumerate(buyers, start=1):
            buyer = party(n, first=first, last=last)
            await queue(harness.database, merchant.tenant_id, invoice(n, buyer=buyer), BY_NAME)
        in_flight = {w.match["name"] for w in await _customer_writes(harness, merchant.tenant_id)}
        assert in_flight == {f"{first} {last}" for first, last in buyers}
        async with harness.database.session(merchant.tenant_id) as session:
            assert await customer_names_in_flight(session, merchant.tenant_id, ["Eli Park"]) == {"Eli Park", "ELI PARK"}
            assert await customer_names_in_flight(session, merchant.tenant_id, ["Eli_ Park"]) == {"Eli_ Park"}
            assert await customer_names_in_flight(session, merchant.tenant_id, ["100% Oak"]) == {"100% Oak"}
            assert await customer_names_in_flight(session, merchant.tenant_id, ["Ana Lee", "Eli Park"]) == {
                "Ana Lee",
                "Eli Park",
                "ELI PARK",
            }
            assert await customer_names_in_flight(session, merchant.tenant_id, []) == set()
