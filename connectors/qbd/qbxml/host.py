"""HostQuery: product, version, country and supported qbXML versions (also part of ``strHCPResponse``)."""

from __future__ import annotations

from lxml import etree

from mlconnector.connectors.qbd.qbxml.request import BuiltRequest, built


def host_query() -> BuiltRequest:
    return built(etree.Element("HostQueryRq"))
