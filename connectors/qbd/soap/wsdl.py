"""The WSDL served at ``?wsdl``: Intuit's own contract file, with its service address pointed at this endpoint."""

from __future__ import annotations

from functools import lru_cache

from lxml import etree

from mlconnector.connectors.qbd.spec import WSDL_PATH

_ADDRESSES = (
    "{http://schemas.xmlsoap.org/wsdl/soap/}address",
    "{http://schemas.xmlsoap.org/wsdl/soap12/}address",
)


@lru_cache(maxsize=8)
def wsdl_for(endpoint: str) -> bytes:
    tree = etree.parse(str(WSDL_PATH))
    for tag in _ADDRESSES:
        for node in tree.iter(tag):
            node.set("location", endpoint)
    return etree.tostring(tree, xml_declaration=True, encoding="utf-8")
