"""The shared name namespace: Customer, Vendor, Employee and OtherName names must be unique across all four.

A CustomerAdd whose Name is used by any of them fails with 3100 (NOTES.md 2.7). To decide whether the holder is our
own customer (adopt it) or someone else (choose a new name), one exchange asks all four lists for the name.
"""

from __future__ import annotations

from lxml import etree

from mlconnector.connectors.qbd.qbxml.customer import RECONCILE_FIELDS, customer_query
from mlconnector.connectors.qbd.qbxml.elements import child
from mlconnector.connectors.qbd.qbxml.request import BuiltRequest, built

NAME_LISTS = ("Customer", "Vendor", "Employee", "OtherName")


def name_queries(full_name: str) -> list[BuiltRequest]:
    """One query per list, in :data:`NAME_LISTS` order."""
    requests = [customer_query(full_names=[full_name], include=RECONCILE_FIELDS)]
    for kind in NAME_LISTS[1:]:
        request = etree.Element(f"{kind}QueryRq")
        child(request, "FullName", full_name)
        for name in ("ListID", "Name"):
            child(request, "IncludeRetElement", name)
        requests.append(built(request))
    return requests
