"""Validation of outgoing qbXML against Intuit's qbXML 13.0 schema (loaded once per process, about 0.1 s).

QuickBooks answers a schema violation — an element out of order, a name too long for its facet, an amount with
three decimals — by rejecting the whole message set with the opaque HRESULT 0x80040400 (qbwc/qbwc#74,
jsgoupil/quickbooks-sync#29). Validating each request before it is queued (a few microseconds) turns that into a
clear error naming the element, in our plan, before anything reaches the books. Responses are never validated
strictly: real ones stray from the schema (NOTES.md 2.3).
"""

from __future__ import annotations

from functools import cache

from lxml import etree

from mlconnector.connectors.qbd.spec import XSD_ROOT


@cache
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD_ROOT)))


def problems(request_xml: str) -> list[str]:
    """Every schema violation of one request element, each naming the element; empty when it is valid."""
    try:
        request = etree.fromstring(request_xml)
    except etree.XMLSyntaxError as error:
        return [f"not well-formed XML: {error}"]
    root = etree.Element("QBXML")
    etree.SubElement(root, "QBXMLMsgsRq", onError="continueOnError").append(request)
    return document_problems(root)


def document_problems(root: etree._Element) -> list[str]:
    """Schema violations of a whole ``<QBXML>`` request document."""
    checker = schema()
    if checker.validate(root):
        return []
    return [f"{error.path}: {error.message}" for error in checker.error_log]
