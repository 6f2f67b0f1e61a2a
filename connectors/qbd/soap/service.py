"""The Web Connector's eight methods, each one short transaction (NOTES.md 1.3 for what each must answer).

Routing is by ticket: authenticate finds the tenant by the .qwc user name (a system-session lookup, the only way to
learn the tenant), and every later call finds it by the ticket's hash (cached per process: a ticket's tenant never
changes). All work after that runs in ``database.session(tenant_id)``, where the ticket is validated and kept alive
in the same statement.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import structlog

from mlconnector.connectors.qbd.qbxml.envelope import session_version
from mlconnector.connectors.qbd.qbxml.hcp import CompanyFile, parse_hcp
from mlconnector.connectors.qbd.qbxml.responses import parse_answers
from mlconnector.connectors.qbd.qwc import OWNER_ID
from mlconnector.connectors.qbd.sandbox import REAL_REFUSAL, SANDBOX_REFUSAL
from mlconnector.connectors.qbd.sandbox.books import is_simulated
from mlconnector.connectors.qbd.session import credentials, pinning, tickets
from mlconnector.connectors.qbd.session import repository as sessions
from mlconnector.connectors.qbd.soap.calls import SoapCall, SoapFault
from mlconnector.connectors.qbd.writes import exchange
from mlconnector.connectors.qbd.writes import repository as writes
from mlconnector.connectors.qbd.xmlsafe import UnsafeXML
from mlconnector.platform.plugins import Database, get_sync_settings, utcnow

log = structlog.get_logger("mlconnector.qbd.soap")
SERVER_VERSION = "ml-connector 0.1.0 (QuickBooks Desktop sink)"
MIN_CLIENT = (2, 1)
NOT_VALID = "This Web Connector session is not valid (unknown, expired or closed). Run the update again."
CONNECTION_ERRORS = {
    "0x80040408": "QuickBooks could not be started. Open QuickBooks on this computer, or allow ml-connector to log "
    "in automatically (QuickBooks: Edit > Preferences > Integrated Applications).",
    "0x80040401": "The Web Connector could not access QuickBooks. Is the company file open in single-user mode?",
    "0x80040420": "The QuickBooks user denied ml-connector access. Allow it under Edit > Preferences > "
    "Integrated Applications.",
    "0x80040402": "QuickBooks reported an unexpected error.",
}


@dataclass(frozen=True, slots=True)
class ServiceOptions:
    ticket_expiry: timedelta = timedelta(minutes=15)
    """A session unused this long is over; its sent writes become in doubt."""
    busy_window: timedelta = timedelta(minutes=2)
    """Another session of the same tenant used this recently is live: authenticate answers ``busy``."""
    max_envelope_bytes: int = 16 * 1024 * 1024
    sandbox: bool = False
    """The sandbox's in-process service: it serves sandbox tenants only, and the public one never does."""


def _version_tuple(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in text.split(".")[:2])
    except ValueError:
        return ()


class WebConnectorService:
    def __init__(
        self,
        database: Database,
        *,
        options: ServiceOptions | None = None,
        cache: tickets.TenantCache | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.database = database
        self.options = options or ServiceOptions()
        self.cache = cache or tickets.TenantCache()
        self.clock = clock

    async def call(self, call: SoapCall) -> str | int | list[str]:
        handler = getattr(self, f"_{call.method}", None)
        if handler is None:  # pragma: no cover - parse_call only lets known methods through
            raise SoapFault("Client", f"Unknown operation {call.method}.")
        return await handler(**call.params)

    # --- session start and end -------------------------------------------------------------------------

    async def _serverVersion(self) -> str:
        return SERVER_VERSION

    async def _clientVersion(self, strVersion: str) -> str:
        version = _version_tuple(strVersion)
        if version and version < MIN_CLIENT:
            return (
                f"W:Web Connector {strVersion} is old; ml-connector is tested with 2.1 and newer. "
                "Please update the QuickBooks Web Connector."
            )
        return ""

    async def _authenticate(self, strUserName: str, strPassword: str) -> list[str]:
        async with self.database.system_session() as system:
            login = await sessions.find_login(system, strUserName.strip())
        now = self.clock()
        locked = login is not None and login.locked_until is not None and login.locked_until > now
        stored = login.password_hash if login is not None and not locked else None
        if credentials.is_legacy(stored):  # argon2id: too slow for the event loop
            valid = await asyncio.to_thread(credentials.verify, stored, strPassword)
        else:
            valid = credentials.verify(stored, strPassword)
        if login is None:
            return ["", "nvu"]
        async with self.database.session(login.tenant_id) as session:
            if await is_simulated(session, login.tenant_id) != self.options.sandbox:
                refusal = REAL_REFUSAL if self.options.sandbox else SANDBOX_REFUSAL
                await sessions.update_connection(
                    session, login.tenant_id, last_contact_at=now, last_result="refused_sandbox", last_error=refusal
                )
                return ["", "nvu"]
            if not valid:
                if not locked:
                    failures = login.failed_logins + 1
                    await sessions.record_failure(
                        session, login.tenant_id, failures, credentials.locked_until(failures, now)
                    )
                await sessions.update_connection(
                    session, login.tenant_id, last_contact_at=now, last_result="refused_password"
                )
                return ["", "nvu"]
            if login.failed_logins:
                await sessions.record_failure(session, login.tenant_id, 0, None)
            if credentials.is_legacy(login.password_hash):  # upgraded once, now that we know the password
                hashed = credentials.hash_password(strPassword)
                await sessions.update_connection(session, login.tenant_id, password_hash=hashed)
            return await self._start(session, login.tenant_id, now)

    async def _start(self, session: Any, tenant_id: uuid.UUID, now: datetime) -> list[str]:
        open_now = await sessions.open_tickets(session, tenant_id)
        if any(seen >= now - self.options.busy_window for _, seen in open_now):
            await sessions.update_connection(session, tenant_id, last_contact_at=now, last_result="busy")
            return ["", "busy"]
        stale = [ticket_id for ticket_id, _ in open_now]
        await sessions.end_tickets(session, tenant_id, stale, "superseded", now)
        await writes.end_session(session, tenant_id, stale, now)
        rhythm = await get_sync_settings(session)
        wait = rhythm.web_connector_interval_minutes * 60
        paused_until = rhythm.paused_until(now)
        if paused_until is not None:  # the tenant's pause window: nothing goes into the books now
            await sessions.update_connection(session, tenant_id, last_contact_at=now, last_result="paused")
            until_open = max(60, int((paused_until - now).total_seconds()))
            return [tickets.new_ticket(), "none", str(min(wait, until_open)), "60"]
        connection = await sessions.connection(session, tenant_id)
        assert connection is not None
        if not await writes.has_work(session, tenant_id, now):
            await sessions.update_connection(session, tenant_id, last_contact_at=now, last_result="nothing_to_do")
            return [tickets.new_ticket(), "none", str(wait), "60"]
        ticket = tickets.new_ticket()
        hashed = tickets.ticket_hash(ticket)
        due = await writes.due_count(session, tenant_id, now)
        batch = connection.batch_size
        ticket_id = await sessions.create_ticket(session, tenant_id, hashed, None, batch, now, expected=due)
        await sessions.update_connection(session, tenant_id, last_contact_at=now, last_result="in_session")
        self.cache.put(hashed, (tenant_id, ticket_id))
        return [ticket, ""]

    async def _resolve(self, ticket: str) -> tuple[uuid.UUID, uuid.UUID] | None:
        if not ticket or len(ticket) > 200:
            return None
        hashed = tickets.ticket_hash(ticket)
        found = self.cache.get(hashed)
        if found is None:
            async with self.database.system_session() as system:
                found = await sessions.find_ticket(system, hashed)
            if found is not None:
                self.cache.put(hashed, found)
        return found

    async def _end(self, ticket: str, state: str, **connection: Any) -> tuple[uuid.UUID, int] | None:
        """Close the session; its sent writes become in doubt. Returns (tenant, writes answered)."""
        found = await self._resolve(ticket)
        if found is None:
            return None
        tenant_id, ticket_id = found
        now = self.clock()
        async with self.database.session(tenant_id) as session:
            current = await sessions.ticket_state(session, tenant_id, ticket_id)
            if current is None or current[0] != "open":
                return None
            live = await sessions.touch_ticket(session, tenant_id, ticket_id, now, timedelta(days=3650))
            await sessions.end_tickets(session, tenant_id, [ticket_id], state, now)
            await writes.end_session(session, tenant_id, [ticket_id], now)
            await sessions.update_connection(session, tenant_id, last_contact_at=now, **connection)
        self.cache.forget(tickets.ticket_hash(ticket))
        return tenant_id, live.completed if live else 0

    async def _closeConnection(self, ticket: str) -> str:
        ended = await self._end(ticket, "closed", last_result="completed")
        if ended is None:
            return "Session not found; nothing was changed."
        return f"OK: {ended[1]} QuickBooks request(s) answered. See the ml-connector dashboard for details."

    async def _connectionError(self, ticket: str, hresult: str, message: str) -> str:
        explanation = CONNECTION_ERRORS.get(hresult.strip().lower(), "")
        text = f"{explanation} ({hresult.strip()} {message.strip()})".strip()
        await self._end(ticket, "closed", last_result="connection_error", last_error=text[:2000])
        return "done"

    async def _getLastError(self, ticket: str) -> str:
        found = await self._resolve(ticket)
        if found is None:
            return NOT_VALID
        tenant_id, ticket_id = found
        async with self.database.session(tenant_id) as session:
            current = await sessions.ticket_state(session, tenant_id, ticket_id)
        if current is None or (current[0] != "open" and not current[1]):  # expired or closed without a reason
            return NOT_VALID
        return current[1] or "ml-connector has nothing more to send right now."

    async def _getInteractiveURL(self, wcTicket: str, sessionID: str) -> str:
        return ""

    async def _interactiveDone(self, wcTicket: str) -> str:
        return "Done"

    async def _interactiveRejected(self, wcTicket: str, reason: str) -> str:
        return ""

    # --- the exchange loop -----------------------------------------------------------------------------

    async def _live(self, session: Any, tenant_id: uuid.UUID, ticket_id: uuid.UUID, now: datetime, completed: int = 0):
        live = await sessions.touch_ticket(session, tenant_id, ticket_id, now, self.options.ticket_expiry, completed)
        if live is None:
            current = await sessions.ticket_state(session, tenant_id, ticket_id)
            if current is not None and current[0] == "open":  # open but idle too long: expire it now
                await sessions.end_tickets(session, tenant_id, [ticket_id], "expired", now)
                await writes.end_session(session, tenant_id, [ticket_id], now)
        return live

    async def _sendRequestXML(
        self,
        ticket: str,
        strHCPResponse: str,
        strCompanyFileName: str,
        qbXMLCountry: str,
        qbXMLMajorVers: str,
        qbXMLMinorVers: str,
    ) -> str:
        found = await self._resolve(ticket)
        if found is None:
            return ""
        tenant_id, ticket_id = found
        now = self.clock()
        version = session_version(qbXMLMajorVers, qbXMLMinorVers)
        async with self.database.session(tenant_id) as session:
            live = await self._live(session, tenant_id, ticket_id, now)
            if live is None:
                return ""
            if not live.company_checked:
                refusal = await self._check_company(
                    session, tenant_id, ticket_id, now, strHCPResponse, strCompanyFileName, qbXMLCountry, version
                )
                if refusal:
                    return ""
            rhythm = await get_sync_settings(session)
            if rhythm.paused_until(now) is not None:  # a session that ran into the pause window stops here
                await sessions.update_ticket(session, tenant_id, ticket_id, last_error=rhythm.pause_message())
                return ""
            outgoing = await exchange.send(
                session, tenant_id, ticket_id, now, version=version, batch_size=live.batch_size
            )
            if outgoing is None:
                await sessions.update_ticket(
                    session, tenant_id, ticket_id, last_error="ml-connector has nothing more to send right now."
                )
                return ""
        return outgoing.qbxml

    async def _check_company(
        self,
        session: Any,
        tenant_id: uuid.UUID,
        ticket_id: uuid.UUID,
        now: datetime,
        hcp: str,
        path: str,
        country: str,
        version: str,
    ) -> bool:
        """First call of a session: record what QuickBooks announced; refuse a company file that is not this
        tenant's. Returns True when the session was refused."""
        connection = await sessions.connection(session, tenant_id)
        assert connection is not None
        company: CompanyFile | None = parse_hcp(hcp)
        pinned = pinning.Pinned(
            file_id=connection.file_id,
            company_name=connection.company_name,
            company_file_id=connection.company_file_id,
            company_path=connection.company_path,
        )
        verdict = pinning.check(pinned, company, path or None, OWNER_ID)
        if not verdict.ok:
            seen = {
                "company_name": company.company_name if company else None,
                "path": path or None,
                "file_id": company.file_id_for(OWNER_ID) if company else None,
                "at": now.isoformat(),
            }
            await sessions.update_connection(
                session, tenant_id, refused_company=seen, last_result="refused_company", last_error=verdict.reason
            )
            await sessions.end_tickets(session, tenant_id, [ticket_id], "refused", now)
            await sessions.update_ticket(session, tenant_id, ticket_id, last_error=verdict.reason)
            return True
        values: dict[str, Any] = {"qb_country": (company.country if company else None) or country or None}
        values["qbxml_version"] = (company.highest_version if company else None) or version
        if company is not None:
            values |= {
                "qb_product": company.product,
                "hcp_response": hcp,
                "hcp_received_at": now,
                "closing_date": company.closing_date,
                "refused_company": None,
            }
        if verdict.first:
            values |= {
                "company_name": company.company_name if company else None,
                "company_file_id": company.file_id_for(OWNER_ID) if company else None,
                "company_path": path or None,
                "pinned_at": now,
            }
        await sessions.update_connection(session, tenant_id, **values)
        await sessions.update_ticket(session, tenant_id, ticket_id, company_checked=True, company_path=path or None)
        return False

    async def _receiveResponseXML(self, ticket: str, response: str, hresult: str, message: str) -> int:
        found = await self._resolve(ticket)
        if found is None:
            return -1
        tenant_id, ticket_id = found
        now = self.clock()
        answers = None
        if not hresult.strip():
            try:
                answers = parse_answers(response) if response.strip() else []
            except UnsafeXML:
                answers = None
        answered = len(exchange.group_answers(answers)) if answers else 0
        try:
            async with self.database.session(tenant_id) as session:
                live = await self._live(session, tenant_id, ticket_id, now, completed=answered)
                if live is None:
                    return -1
                # The raw answer is written first, in the transaction that records what it means; if recording
                # fails it is stored alone below, and the writes stay "sent" (in doubt at session end).
                await writes.store_response(
                    session, tenant_id, ticket_id, now, response, hresult.strip(), message.strip(), processed=True
                )
                await exchange.receive(
                    session, tenant_id, ticket_id, now, answers=answers, hresult=hresult.strip(), message=message
                )
                waiting, ready = await writes.progress(session, tenant_id, now)
        except Exception as error:
            log.exception("could not process QuickBooks' answer; stored for replay", error=type(error).__name__)
            async with self.database.session(tenant_id) as session:
                note = f"ml-connector could not process QuickBooks' answer ({type(error).__name__}); the requests "
                note += "will be checked in QuickBooks at the next update."
                await sessions.update_ticket(session, tenant_id, ticket_id, last_error=note)
                await writes.store_response(
                    session,
                    tenant_id,
                    ticket_id,
                    now,
                    response,
                    hresult.strip(),
                    message.strip(),
                    error=type(error).__name__,
                )
            return -1
        if answers is None and not hresult.strip():
            async with self.database.session(tenant_id) as session:
                note = "QuickBooks' answer could not be read; the requests will be checked at the next update."
                await sessions.update_ticket(session, tenant_id, ticket_id, last_error=note)
            return -1
        if ready == 0:
            return 100
        done = live.completed
        still_to_go = max(live.expected - done, waiting)  # the start's count, or more if writes were added since
        return max(0, min(99, (100 * done) // max(1, done + still_to_go)))
