"""The shared name namespace: Customer, Vendor, Employee and OtherName names must be unique across all four.

A CustomerAdd whose Name is used by any of them fails with 3100 (NOTES.md 2.7). To decide whether the holder is our
own customer (adopt it) and otherwise which ``Base (n)`` is still free, one exchange asks all four lists for every
name starting with the base (``NameFilter`` StartsWith, qbxml130.xsd ``ListFilter``), inactive ones included: an
inactive name is still taken.
"""

from __future__ import annotations

from lxml import etree

from mlconnector.connectors.qbd.qbxml.customer import RECONCILE_FIELDS
from mlconnector.connectors.qbd.qbxml.elements import child
from mlconnector.connectors.qbd.qbxml.request import BuiltRequest, built

NAME_LISTS = ("Customer", "Vendor", "Employee", "OtherName")


def namesake_queries(prefix: str) -> list[BuiltRequest]:
    """One query per list, in :data:`NAME_LISTS` order, for every name (active or not) starting with ``prefix``;
    customers come with what tells ours apart (e-mail, ExternalGUID)."""
    requests = []
    for kind in NAME_LISTS:
        request = etree.Element(f"{kind}QueryRq")
        child(request, "ActiveStatus", "All")
        name_filter = child(request, "NameFilter")
        child(name_filter, "MatchCriterion", "StartsWith")
        child(name_filter, "Name", prefix)
        for name in RECONCILE_FIELDS if kind == "Customer" else ("ListID", "Name"):
            child(request, "IncludeRetElement", name)
        requests.append(built(request))
    return requests
