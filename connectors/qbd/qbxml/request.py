"""What a builder returns: one qbXML request element as text, and what the text policy changed to make it fit."""

from __future__ import annotations

import msgspec
from lxml import etree

from mlconnector.connectors.qbd.qbxml.limits import Substitution, TextFitter


class BuiltRequest(msgspec.Struct, frozen=True, kw_only=True):
    """A request element such as ``<InvoiceAddRq>…</InvoiceAddRq>``; ``requestID`` is added when it is sent."""

    xml: str
    substitutions: tuple[Substitution, ...] = ()

    @property
    def kind(self) -> str:
        """The request's element name (``InvoiceAddRq``), read without parsing the whole text."""
        return self.xml[1 : self.xml.index(">")].split(" ", 1)[0].rstrip("/")


def built(element: etree._Element, fitter: TextFitter | None = None) -> BuiltRequest:
    return BuiltRequest(
        xml=etree.tostring(element, encoding="unicode"),
        substitutions=tuple(fitter.substitutions) if fitter else (),
    )
