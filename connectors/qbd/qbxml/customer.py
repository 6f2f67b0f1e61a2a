"""Customer requests: CustomerAdd, CustomerMod and CustomerQuery (by name or ListID).

Field order follows qbxmlops130.xsd (order matters: NOTES.md 2.3). The Commerce e-mail address goes into ``Email``
and doubles as the marker that tells our customer apart when a name is already in use (NOTES.md 2.7).
"""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from mlconnector.connectors.qbd.qbxml.elements import address, child, optional
from mlconnector.connectors.qbd.qbxml.limits import TextFitter
from mlconnector.connectors.qbd.qbxml.request import BuiltRequest, built
from mlconnector.platform.documents import Party

RECONCILE_FIELDS = ("ListID", "EditSequence", "Name", "FullName", "Email", "ExternalGUID")


def _party_fields(parent: etree._Element, party: Party, fitter: TextFitter, path: str) -> None:
    optional(parent, "CompanyName", fitter.fit(f"{path}/CompanyName", party.company))
    optional(parent, "FirstName", fitter.fit(f"{path}/FirstName", party.first_name))
    optional(parent, "LastName", fitter.fit(f"{path}/LastName", party.last_name))
    address(parent, "BillAddress", party.billing, fitter, path)
    address(parent, "ShipAddress", party.shipping, fitter, path)
    phone = party.phone or (party.billing.phone if party.billing else None)
    optional(parent, "Phone", fitter.fit(f"{path}/Phone", phone))
    optional(parent, "Email", fitter.fit(f"{path}/Email", party.email))


def customer_add(party: Party, *, name: str, external_guid: str | None) -> BuiltRequest:
    """Add ``party`` under ``name`` (already made unique and fitted by the naming policy)."""
    fitter = TextFitter()
    path = "CustomerAddRq/CustomerAdd"
    request = etree.Element("CustomerAddRq")
    add = child(request, "CustomerAdd")
    child(add, "Name", fitter.fit(f"{path}/Name", name))
    _party_fields(add, party, fitter, path)
    optional(add, "ExternalGUID", external_guid)
    return built(request, fitter)


def customer_mod(party: Party, *, list_id: str, edit_sequence: str, name: str) -> BuiltRequest:
    """Update the fields we own; a Mod changes only what it sends (NOTES.md 2.4)."""
    fitter = TextFitter()
    path = "CustomerModRq/CustomerMod"
    request = etree.Element("CustomerModRq")
    mod = child(request, "CustomerMod")
    child(mod, "ListID", list_id)
    child(mod, "EditSequence", edit_sequence)
    child(mod, "Name", fitter.fit(f"{path}/Name", name))
    _party_fields(mod, party, fitter, path)
    return built(request, fitter)


def customer_query(
    *, full_names: Sequence[str] = (), list_ids: Sequence[str] = (), include: Sequence[str] = ()
) -> BuiltRequest:
    """By ListID or by FullName (exactly one of them), optionally trimmed to ``include`` elements."""
    if bool(full_names) == bool(list_ids):
        raise ValueError("a customer query takes either ListIDs or full names")
    request = etree.Element("CustomerQueryRq")
    for list_id in list_ids:
        child(request, "ListID", list_id)
    for full_name in full_names:
        child(request, "FullName", full_name)
    for name in include:
        child(request, "IncludeRetElement", name)
    return built(request)
