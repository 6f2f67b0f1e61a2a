"""Which qbXML version each element we emit needs, and how a request is sent to an older QuickBooks.

Plans are built for the newest version we validate (13.0). A session announces what its QuickBooks supports
(``qbXMLMajorVers.MinorVers``, e.g. 5.0 for QuickBooks 2006 in the 2008 capture) and we never send a higher
``<?qbxml version?>`` (NOTES.md 1.5). Before sending to an older QuickBooks the optional elements it does not know
are dropped —
ExternalGUID (lists 8.0, transactions 9.0), IncludeRetElement (4.0), Addr4 (2.0), Addr5 (6.0), TemplateRef (3.0) — and
the write records which version it went out as, so reconciliation does not expect a GUID that was never sent.
Versions are Intuit's annotations in the SDK sample data; a test checks this table against it.
"""

from __future__ import annotations

import re

from lxml import etree

from mlconnector.connectors.qbd.qbxml.envelope import parse_version, version_text

Version = tuple[int, int]

REQUEST_GATES: dict[str, Version] = {
    "ReceivePaymentAddRq": (1, 1),
    "ReceivePaymentQueryRq": (1, 1),
    "PreferencesQueryRq": (1, 1),
}
"""Requests that did not exist in qbXML 1.0."""

_TXN_ADDS = ("InvoiceAdd", "CreditMemoAdd", "SalesReceiptAdd", "ReceivePaymentAdd")
ELEMENT_GATES: dict[str, Version] = {
    "ExternalGUID": (9, 0),
    "IncludeRetElement": (4, 0),
    "Addr4": (2, 0),
    "Addr5": (6, 0),
    "TemplateRef": (3, 0),
}
"""Optional elements by name; ExternalGUID on a list add (CustomerAdd) needs only 8.0, see :func:`element_gate`."""

_INDEX = re.compile(r"\[\d+\]")


def element_gate(element: etree._Element) -> Version | None:
    if element.tag == "ExternalGUID" and element.getparent() is not None:
        return (9, 0) if element.getparent().tag in _TXN_ADDS else (8, 0)
    return ELEMENT_GATES.get(element.tag)


def required(request_xml: str) -> str:
    """The lowest qbXML version that knows every element of the request."""
    root = etree.fromstring(request_xml)
    version = REQUEST_GATES.get(root.tag, (1, 0))
    for element in root.iter():
        gate = element_gate(element)
        if gate and gate > version:
            version = gate
    return version_text(version)


def downgrade(request_xml: str, version: str) -> str | None:
    """The request without what ``version`` does not know; ``None`` when the request itself is too new."""
    target = parse_version(version)
    root = etree.fromstring(request_xml)
    if REQUEST_GATES.get(root.tag, (1, 0)) > target:
        return None
    doomed = [element for element in root.iter() if (gate := element_gate(element)) and gate > target]
    for element in doomed:
        element.getparent().remove(element)
    return etree.tostring(root, encoding="unicode")


def path_of(element: etree._Element) -> str:
    """``CustomerAddRq/CustomerAdd/Name``: the element's place, as the SDK sample data lays it out."""
    return _INDEX.sub("", element.getroottree().getpath(element)).lstrip("/")
