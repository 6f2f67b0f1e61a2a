"""``qbd.sandbox_cycle``: one simulated Web Connector update for a sandbox tenant, against our own SOAP service.

The company file is rebuilt from its stored requests, the emulator runs a whole session through the service (in
this process, real SOAP envelopes, no HTTP), and whatever the file ran is stored before the job finishes — even
when the session fails half-way, since the file did run it. One cycle per tenant at a time: the service answers
"busy" to a second session anyway, and a per-process lock keeps two cycles from journaling out of order.
"""

from __future__ import annotations

import asyncio
import uuid

from sqlalchemy import select

from mlconnector.connectors.qbd.emulator import ServiceTransport, WebConnectorEmulator
from mlconnector.connectors.qbd.models import Connection
from mlconnector.connectors.qbd.sandbox.books import COMPANY_FILE, books_of, rebuild, record
from mlconnector.connectors.qbd.soap.routes import ServiceRegistry
from mlconnector.connectors.qbd.soap.service import ServiceOptions
from mlconnector.platform.plugins import JobContext, JobHandler, unseal_value, utcnow

CYCLE_JOB = "qbd.sandbox_cycle"
PASSWORD_PURPOSE = "qbd.sandbox.web_connector_password"  # noqa: S105 - a vault purpose, not a secret
SERVICES = ServiceRegistry(ServiceOptions(sandbox=True))
"""The sandbox's own service: it serves sandbox tenants only (the public endpoint refuses them)."""
_locks: dict[uuid.UUID, asyncio.Lock] = {}


async def run_cycle(context: JobContext) -> None:
    tenant_id = context.tenant_id
    assert tenant_id is not None
    lock = _locks.setdefault(tenant_id, asyncio.Lock())
    async with lock:
        await _cycle(context, tenant_id)


async def _cycle(context: JobContext, tenant_id: uuid.UUID) -> None:
    database = context.database
    async with database.session(tenant_id) as session:
        books = await books_of(session, tenant_id)
        if books is None:  # no longer a sandbox (or never was): nothing to simulate
            return
        password = (await unseal_value(session, PASSWORD_PURPOSE, books.sealed_password)).reveal()
        username = (
            await session.execute(select(Connection.username).where(Connection.tenant_id == tenant_id))
        ).scalar_one()
        simulator = await rebuild(session, books)
    already = len(simulator.requests_seen)
    emulator = WebConnectorEmulator(
        ServiceTransport(SERVICES.for_database(database)), username, password, simulator, company_file=COMPANY_FILE
    )
    try:
        await emulator.run_session()
    finally:
        ran = simulator.requests_seen[already:]
        async with database.session(tenant_id) as session:
            await record(session, tenant_id, ran, utcnow())
            books = await books_of(session, tenant_id)
            if books is not None:
                books.cycles += 1
                books.last_cycle_at = utcnow()


def job_handlers() -> list[JobHandler]:
    return [JobHandler(CYCLE_JOB, run_cycle, max_attempts=3)]
