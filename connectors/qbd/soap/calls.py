"""Reading a Web Connector request: a hardened parse of the SOAP 1.1 envelope into a method and its parameters.

The method is the Body's first element in Intuit's namespace (QBWC also sends ``SOAPAction``, but the body is what
the WSDL binds); parameters are read by local name, so both QBWC's default-namespace style (the 2008 capture) and a
WSDL-generated client's prefixed style are accepted. Anything else becomes a :class:`SoapFault`.
"""

from __future__ import annotations

from dataclasses import dataclass

from mlconnector.connectors.qbd.xmlsafe import UnsafeXML, parse_bytes

SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
INTUIT = "http://developer.intuit.com/"

METHODS: dict[str, tuple[str, ...]] = {
    "serverVersion": (),
    "clientVersion": ("strVersion",),
    "authenticate": ("strUserName", "strPassword"),
    "sendRequestXML": (
        "ticket",
        "strHCPResponse",
        "strCompanyFileName",
        "qbXMLCountry",
        "qbXMLMajorVers",
        "qbXMLMinorVers",
    ),
    "receiveResponseXML": ("ticket", "response", "hresult", "message"),
    "connectionError": ("ticket", "hresult", "message"),
    "getLastError": ("ticket",),
    "closeConnection": ("ticket",),
    "getInteractiveURL": ("wcTicket", "sessionID"),
    "interactiveDone": ("wcTicket",),
    "interactiveRejected": ("wcTicket", "reason"),
}
"""The eight operations of Intuit's WSDL, plus the three optional interactive-mode ones of Intuit's sample service."""


class SoapFault(Exception):
    """Answered as a SOAP Fault; ``code`` is ``Client`` (bad request), ``Server`` or ``VersionMismatch``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class SoapCall:
    method: str
    params: dict[str, str]


def _local(tag: object) -> str:
    text = str(tag)
    return text.rsplit("}", 1)[-1]


def parse_call(body: bytes, *, limit: int) -> SoapCall:
    try:
        envelope = parse_bytes(body, limit=limit)
    except UnsafeXML as error:
        raise SoapFault("Client", f"Malformed SOAP request: {error}.") from None
    if envelope.tag == f"{{{SOAP12}}}Envelope":
        raise SoapFault("VersionMismatch", "This service speaks SOAP 1.1 (namespace " + SOAP11 + ").")
    if envelope.tag != f"{{{SOAP11}}}Envelope":
        raise SoapFault("Client", "The request is not a SOAP 1.1 envelope.")
    soap_body = envelope.find(f"{{{SOAP11}}}Body")
    if soap_body is None:
        raise SoapFault("Client", "The SOAP envelope has no Body.")
    operation = next((node for node in soap_body if isinstance(node.tag, str)), None)
    if operation is None:
        raise SoapFault("Client", "The SOAP Body is empty.")
    method = _local(operation.tag)
    if not str(operation.tag).startswith(f"{{{INTUIT}}}") or method not in METHODS:
        raise SoapFault("Client", f"Unknown operation {method[:60]!r}; this is the QuickBooks Web Connector service.")
    wanted = METHODS[method]
    params = dict.fromkeys(wanted, "")
    for node in operation:
        if isinstance(node.tag, str) and (name := _local(node.tag)) in params:
            params[name] = node.text or ""
    return SoapCall(method=method, params=params)
