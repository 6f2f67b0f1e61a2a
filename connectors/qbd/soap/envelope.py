"""Writing Web Connector responses: ``<methodResponse><methodResult>`` in Intuit's namespace, or a SOAP Fault.

Built with lxml, so the qbXML string returned by sendRequestXML is escaped once, by the XML library (QBWC unescapes
it; NOTES.md 1.1). authenticate returns an ArrayOfString (``<string>`` children), receiveResponseXML an int.
"""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from mlconnector.connectors.qbd.soap.calls import INTUIT, SOAP11

_NSMAP = {
    "soap": SOAP11,
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
    "xsd": "http://www.w3.org/2001/XMLSchema",
}
CONTENT_TYPE = "text/xml; charset=utf-8"


def _envelope() -> tuple[etree._Element, etree._Element]:
    envelope = etree.Element(f"{{{SOAP11}}}Envelope", nsmap=_NSMAP)
    return envelope, etree.SubElement(envelope, f"{{{SOAP11}}}Body")


def response(method: str, result: str | int | Sequence[str]) -> bytes:
    envelope, body = _envelope()
    wrapper = etree.SubElement(body, f"{{{INTUIT}}}{method}Response", nsmap={None: INTUIT})
    node = etree.SubElement(wrapper, f"{{{INTUIT}}}{method}Result")
    if isinstance(result, str | int):
        node.text = str(result)
    else:
        for value in result:
            etree.SubElement(node, f"{{{INTUIT}}}string").text = value
    return etree.tostring(envelope, xml_declaration=True, encoding="utf-8")


def fault(code: str, message: str) -> bytes:
    """A SOAP 1.1 Fault (sent with HTTP 500, as SOAP 1.1 requires)."""
    envelope, body = _envelope()
    node = etree.SubElement(body, f"{{{SOAP11}}}Fault")
    etree.SubElement(node, "faultcode").text = f"soap:{code}"
    etree.SubElement(node, "faultstring").text = message
    return etree.tostring(envelope, xml_declaration=True, encoding="utf-8")
