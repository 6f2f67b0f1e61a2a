"""What every fault case shares: the fault-free run, the steps of a whole sync, and a ledger of what QuickBooks
received and answered (to count duplicates avoided and reconciliations)."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from lxml import etree
from mlc_testing.asyncio_thread import run
from mlc_testing.databases import sqlite_url
from mlc_testing.storefront import Books, build_store, running_books, snapshot, stocked_books

from mlconnector.connectors.commerce.errors import CommerceHTTPError, RetriesExhausted
from mlconnector.connectors.commerce.fake import FakeCommerce
from mlconnector.connectors.qbd.simulator import QuickBooksSimulator
from mlconnector.platform.plugins import ingest

READ_ATTEMPTS = 6
STREAMS = ("customer", "order", "invoice", "credit_memo")
COMPANY_FILE = r"C:\Users\Public\Documents\Intuit\QuickBooks\Company Files\Books.QBW"


def late_invoice(fake: FakeCommerce) -> tuple[int, int]:
    """The store invoices (and captures) its last uninvoiced order after the first sync; returns (invoice, order)."""
    order = next(row for row in reversed(fake.catalog.orders.values()) if row.fields["state"] == "new")
    # saved a minute ago: inside the next incremental read's window (which starts 300 s before the last one ended)
    made = fake.catalog.invoice_order(order.fields["entity_id"], fake.catalog.clock() - timedelta(minutes=1))
    return made.fields["entity_id"], order.fields["entity_id"]


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


async def sync_all(books: Books, late: Callable[[Books], Awaitable[None]] | None = None) -> None:
    """First contact, read the store, post, then the late invoice (by polling, or as ``late`` delivers it)."""
    await books.cycle()
    await read_with_retries(books)
    await books.until_quiet()
    await finish(books, late)


async def finish(books: Books, late: Callable[[Books], Awaitable[None]] | None = None) -> None:
    """The second half of a sync: the late invoice arrives and everything settles."""
    await books.until_quiet()
    if late is None:
        late_invoice(books.fake)
        await read_with_retries(books)
    else:
        await late(books)
    await books.until_quiet()


async def read_only(books: Books) -> None:
    """Read the store without waiting for the engine (its workers may be paused or gone)."""
    for stream in STREAMS:
        await ingest(books.database, books.source, books.tenant_id, stream, config=books.source_config)


def the_store(**fake_options: Any) -> tuple[FakeCommerce, QuickBooksSimulator]:
    fake = FakeCommerce(**fake_options)
    build_store(fake)
    return fake, stocked_books(fake)


def fault_free_books(make_settings: Any, tmp_path: Path, sqlite_template: Path) -> dict[str, Any]:
    path = tmp_path / "baseline.sqlite3"
    shutil.copyfile(sqlite_template, path)
    fake, simulator = the_store()

    async def go() -> None:
        async with running_books(make_settings, sqlite_url(path), fake, simulator) as books:
            await sync_all(books)

    run(go())
    return snapshot(simulator)


@dataclass
class Ledger:
    """Every request QuickBooks processed, in order: ``(kind, write id, status code)``; plus sessions begun."""

    events: list[tuple[str, int | None, int]] = field(default_factory=list)
    sessions: int = 0

    def counts(self) -> dict[str, int]:
        """``reconciled``: writes QuickBooks was asked about after an add went out; ``duplicates_avoided``: those
        whose add QuickBooks had already applied, and which were therefore not added again."""
        history: dict[int, list[tuple[str, int]]] = {}
        for kind, write_id, status in self.events:
            if write_id is not None:
                history.setdefault(write_id, []).append((kind, status))
        reconciled = avoided = 0
        for steps in history.values():
            adds = [(n, status) for n, (kind, status) in enumerate(steps) if kind.endswith("Add")]
            queries = [n for n, (kind, _) in enumerate(steps) if kind.endswith("Query")]
            if not adds or not queries:
                continue  # a list refresh, or a write that went out once and was answered
            applied_then_asked = adds[0][1] == 0 and queries[-1] > adds[0][0]
            asked_then_added = queries[0] < adds[0][0]  # QuickBooks never got the first attempt
            if applied_then_asked or asked_then_added:
                reconciled += 1
                avoided += applied_then_asked and len(adds) == 1
        return {"reconciled": reconciled, "duplicates_avoided": avoided, "sessions": self.sessions}


def watch(simulator: QuickBooksSimulator) -> Ledger:
    """Record what ``simulator`` is asked and answers (its methods wrapped on this instance only)."""
    ledger = Ledger()
    process, begin = simulator.process, simulator.begin_session

    def processing(qbxml: str) -> Any:
        reply = process(qbxml)
        if reply.response:
            for answer in etree.fromstring(reply.response.encode()).find("QBXMLMsgsRs"):
                write_id = _write_id(answer.get("requestID"))
                ledger.events.append((answer.tag[:-2], write_id, int(answer.get("statusCode"))))
        return reply

    def beginning() -> None:
        ledger.sessions += 1
        begin()

    simulator.process = processing  # type: ignore[method-assign]
    simulator.begin_session = beginning  # type: ignore[method-assign]
    return ledger


def _write_id(request_id: str | None) -> int | None:
    head = (request_id or "").split(".")[0]
    return int(head) if head.isdigit() else None


async def queued_jobs(books: Books) -> int:
    """Jobs of the tenant waiting for a worker (their wake-up messages are what a broker flush loses)."""
    from sqlalchemy import func, select

    from mlconnector.platform.jobs.models import QUEUED, Job

    async with books.database.system_session() as session:
        query = select(func.count()).select_from(Job).where(Job.tenant_id == books.tenant_id, Job.state == QUEUED)
        return (await session.execute(query)).scalar_one()


def store_retries(fake: FakeCommerce) -> int:
    """Requests the store refused or failed, each of which the reader had to try again."""
    return sum(1 for entry in fake.log if entry.status in (401, 429, 500, 502, 503, 504))


@dataclass
class BrokenSession:
    """What a Web Connector session that went wrong saw: the exchanges done, and the service's last answers."""

    exchanges: int = 0
    ending: str = ""
    answer: object = None
    last_error: str | None = None
    faulted_request: str = ""


async def broken_session(books: Books, ending: str, *, when: Callable[[str], bool] = lambda q: "AddRq" in q) -> Any:
    """One Web Connector session, as the real one runs it, until the first request ``when`` picks; then ``ending``:

    - ``connection_error``: QuickBooks cannot be reached for that request; QBWC calls connectionError;
    - ``closed``: the Web Connector is closed with the request in hand (no answer, no closeConnection);
    - ``expired``: QuickBooks applies it but answers only after the session has expired;
    - ``another``: a second Web Connector of the same tenant starts meanwhile; this one then finishes normally.
    """
    from mlc_testing.storefront import SOAP

    from mlconnector.connectors.qbd.emulator import RawSoapTransport

    raw, simulator, seen = RawSoapTransport(books.client, SOAP), books.simulator, BrokenSession(ending=ending)
    await raw.call("serverVersion")
    await raw.call("clientVersion", strVersion="2.3.0.215")
    ticket, status = (await raw.call("authenticate", strUserName=books.username, strPassword=books.password))[:2]
    assert status == "", status
    simulator.begin_session()
    major, minor = simulator.max_version.split(".")
    first, faulted = True, False
    while True:
        qbxml = await raw.call(
            "sendRequestXML",
            ticket=ticket,
            strHCPResponse=simulator.hcp_response() if first else "",
            strCompanyFileName=COMPANY_FILE,
            qbXMLCountry=simulator.country,
            qbXMLMajorVers=int(major),
            qbXMLMinorVers=int(minor),
        )
        first = False
        if not qbxml:
            seen.last_error = await raw.call("getLastError", ticket=ticket)
            break
        if not faulted and when(qbxml):
            faulted, seen.faulted_request = True, qbxml
            if ending == "connection_error":
                seen.answer = await raw.call(
                    "connectionError", ticket=ticket, hresult="0x80040408", message="Could not start QuickBooks."
                )
                return seen
            if ending == "closed":
                return seen
            if ending == "expired":
                reply = simulator.process(qbxml)
                books.later(minutes=16)  # QuickBooks took longer than the session may stay idle
                seen.answer = await raw.call(
                    "receiveResponseXML", ticket=ticket, response=reply.response, hresult="", message=""
                )
                seen.last_error = await raw.call("getLastError", ticket=ticket)
                return seen
            if ending == "another":
                seen.answer = await books.emulator().run_session()
        reply = simulator.process(qbxml)
        done = await raw.call(
            "receiveResponseXML", ticket=ticket, response=reply.response, hresult=reply.hresult, message=reply.message
        )
        seen.exchanges += 1
        if done < 0:
            seen.last_error = await raw.call("getLastError", ticket=ticket)
            break
        if done >= 100:
            break
    await raw.call("closeConnection", ticket=ticket)
    assert faulted, "the session never sent the request the fault was meant for"
    return seen
