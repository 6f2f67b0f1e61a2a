"""The HTTP face of the service, mounted at ``/connectors/qbd/``: ``POST qbwc`` (SOAP), ``GET qbwc?wsdl`` (the
WSDL), ``GET qbwc`` (a short page: some Web Connector versions check the URL with a plain GET).

Whatever goes wrong inside, the Web Connector gets a SOAP Fault, never an HTML or JSON error page (which it reports
as QBWC1042 "not well-formed XML"); the fault text never carries internals.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import structlog
from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.exceptions.http_exceptions import RequestEntityTooLarge

from mlconnector.connectors.qbd.qwc import ENDPOINT_PATH
from mlconnector.connectors.qbd.soap import envelope
from mlconnector.connectors.qbd.soap.calls import SoapFault, parse_call
from mlconnector.connectors.qbd.soap.service import ServiceOptions, WebConnectorService
from mlconnector.connectors.qbd.soap.wsdl import wsdl_for
from mlconnector.platform.plugins import Database, Settings, utcnow

log = structlog.get_logger("mlconnector.qbd.soap")
PAGE = (
    "<!doctype html><html><head><title>ml-connector: QuickBooks Web Connector endpoint</title></head><body>"
    "<h1>QuickBooks Web Connector endpoint</h1><p>This address is for the QuickBooks Web Connector. Add the .qwc "
    "file from your ml-connector dashboard to the Web Connector; it will call this address by itself.</p>"
    '<p>Service description: <a href="?wsdl">WSDL</a>.</p></body></html>'
)


class ServiceRegistry:
    """One service (and ticket cache) per database handle, made on first use."""

    def __init__(self, options: ServiceOptions | None = None) -> None:
        self.options = options or ServiceOptions()
        self.clock: Callable[[], datetime] = utcnow
        """Replaceable (tests move time forward to expire sessions)."""
        self._services: dict[int, WebConnectorService] = {}

    def for_database(self, database: Database) -> WebConnectorService:
        service = self._services.get(id(database))
        if service is None or service.database is not database:
            service = WebConnectorService(database, options=self.options, clock=lambda: self.clock())
            self._services[id(database)] = service
        return service


def _soap(content: bytes, status: int = 200) -> Response[bytes]:
    return Response(content=content, status_code=status, media_type=envelope.CONTENT_TYPE)


def make_routes(registry: ServiceRegistry) -> list[Any]:
    limit = registry.options.max_envelope_bytes

    @post("/qbwc", request_max_body_size=limit, status_code=200, include_in_schema=False)
    async def soap_endpoint(request: Request, database: NamedDependency[Database]) -> Response[bytes]:
        try:
            body = await request.body()
        except RequestEntityTooLarge:
            return _soap(envelope.fault("Client", f"The request is larger than {limit} bytes."), 500)
        try:
            call = parse_call(body, limit=limit)
            result = await registry.for_database(database).call(call)
        except SoapFault as fault:
            return _soap(envelope.fault(fault.code, fault.message), 500)
        except Exception as error:  # the Web Connector must get XML, whatever happened
            log.exception("qbwc call failed", error=type(error).__name__)
            return _soap(envelope.fault("Server", "ml-connector could not process the request; try again."), 500)
        return _soap(envelope.response(call.method, result))

    @get("/qbwc", status_code=200, include_in_schema=False)
    async def describe(request: Request, settings: NamedDependency[Settings]) -> Response[bytes]:
        if any(key.lower() == "wsdl" for key in request.query_params):
            url = settings.server.public_base_url.rstrip("/") + ENDPOINT_PATH
            return Response(content=wsdl_for(url), media_type="text/xml; charset=utf-8")
        return Response(content=PAGE.encode(), media_type="text/html; charset=utf-8")

    return [soap_endpoint, describe]
