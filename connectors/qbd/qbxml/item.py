"""ItemQuery over every item type, page by page with an iterator.

An iterator lives inside QuickBooks' connection, so a listing must finish within one Web Connector session; a new
session starts over with ``Start`` (NOTES.md 2.5). Pages stay small (MaxReturned 100) because QuickBooks' UI is
blocked while it answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from lxml import etree

from mlconnector.connectors.qbd.qbxml.elements import child
from mlconnector.connectors.qbd.qbxml.request import BuiltRequest, built

PAGE_SIZE = 100
ITEM_RETS = (
    "ItemServiceRet",
    "ItemNonInventoryRet",
    "ItemOtherChargeRet",
    "ItemInventoryRet",
    "ItemInventoryAssemblyRet",
    "ItemFixedAssetRet",
    "ItemSubtotalRet",
    "ItemDiscountRet",
    "ItemPaymentRet",
    "ItemSalesTaxRet",
    "ItemSalesTaxGroupRet",
    "ItemGroupRet",
)
"""The Ret types an ItemQuery returns (qbxmlops130.xsd ItemQueryRs)."""


def item_query(
    *,
    iterator: Literal["Start", "Continue", "Stop"] | None = "Start",
    iterator_id: str | None = None,
    max_returned: int = PAGE_SIZE,
    full_names: Sequence[str] = (),
) -> BuiltRequest:
    """A page of the whole item list (``iterator``), or the items named in ``full_names``."""
    request = etree.Element("ItemQueryRq")
    if full_names:
        for name in full_names:
            child(request, "FullName", name)
        return built(request)
    if iterator:
        request.set("iterator", iterator)
    if iterator == "Continue":
        if not iterator_id:
            raise ValueError("continuing an item listing needs the iteratorID QuickBooks returned")
        request.set("iteratorID", iterator_id)
    child(request, "MaxReturned", str(max_returned))
    child(request, "ActiveStatus", "All")
    return built(request)
