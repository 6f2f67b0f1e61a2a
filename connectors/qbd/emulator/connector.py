"""The Web Connector's update session, as QBWC runs it (NOTES.md 1.2; the 2008 capture):

serverVersion → clientVersion → authenticate → (sendRequestXML → QuickBooks → receiveResponseXML)* → closeConnection,
with getLastError after an empty request or a negative percentage. The first sendRequestXML carries the
HostQuery/CompanyQuery/PreferencesQuery answers (``strHCPResponse``); later ones send it empty.

``drop_response`` is fault injection for the in-doubt case: QuickBooks applies the request, then the answer never
reaches the service (the PC sleeps, the network drops) and the session simply stops — no receiveResponseXML, no
closeConnection.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from mlconnector.connectors.qbd.simulator import QuickBooksSimulator


class Transport(Protocol):
    async def call(self, method: str, **params: Any) -> Any: ...


@dataclass
class SessionReport:
    authenticate: list[str] = field(default_factory=list)
    client_version: str = ""
    server_version: str = ""
    requests: list[str] = field(default_factory=list)
    progress: list[int] = field(default_factory=list)
    last_error: str | None = None
    closed: str | None = None
    dropped: bool = False
    faults: list[str] = field(default_factory=list)

    @property
    def exchanges(self) -> int:
        return len(self.progress)


class WebConnectorEmulator:
    def __init__(
        self,
        transport: Transport,
        username: str,
        password: str,
        simulator: QuickBooksSimulator,
        *,
        company_file: str = r"C:\Users\Public\Documents\Intuit\QuickBooks\Company Files\Books.QBW",
        client_version: str = "2.3.0.215",
        drop_response: Callable[[str], bool] | None = None,
        max_exchanges: int = 500,
    ) -> None:
        self.transport = transport
        self.username = username
        self.password = password
        self.simulator = simulator
        self.company_file = company_file
        self.client_version = client_version
        self.drop_response = drop_response
        self.max_exchanges = max_exchanges

    async def run_session(self) -> SessionReport:
        from mlconnector.connectors.qbd.emulator.transports import SoapError

        report = SessionReport()
        call = self.transport.call
        try:
            report.server_version = await call("serverVersion")
        except SoapError as fault:  # QBWC logs it and goes on (the peer benchmark's emulator does the same)
            report.faults.append(str(fault))
        report.client_version = await call("clientVersion", strVersion=self.client_version)
        if report.client_version.startswith("E:"):
            return report
        report.authenticate = await call("authenticate", strUserName=self.username, strPassword=self.password)
        ticket, status = [*report.authenticate, "", ""][:2]
        if status in ("none", "nvu", "busy"):
            return report
        self.simulator.begin_session()
        major, minor = self.simulator.max_version.split(".")
        first = True
        while len(report.progress) < self.max_exchanges:
            qbxml = await call(
                "sendRequestXML",
                ticket=ticket,
                strHCPResponse=self.simulator.hcp_response() if first else "",
                strCompanyFileName=self.company_file,
                qbXMLCountry=self.simulator.country,
                qbXMLMajorVers=int(major),
                qbXMLMinorVers=int(minor),
            )
            first = False
            if not qbxml:
                report.last_error = await call("getLastError", ticket=ticket)
                break
            report.requests.append(qbxml)
            reply = self.simulator.process(qbxml)
            if self.drop_response is not None and self.drop_response(qbxml):
                report.dropped = True
                return report
            done = await call(
                "receiveResponseXML",
                ticket=ticket,
                response=reply.response,
                hresult=reply.hresult,
                message=reply.message,
            )
            report.progress.append(done)
            if done < 0:
                report.last_error = await call("getLastError", ticket=ticket)
                break
            if done >= 100:
                break
        report.closed = await call("closeConnection", ticket=ticket)
        return report
