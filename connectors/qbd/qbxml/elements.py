"""Small lxml helpers shared by the builders: child elements, list references, addresses.

Text always goes in through lxml, which escapes it; nothing here builds XML by string concatenation.
"""

from __future__ import annotations

import msgspec
from lxml import etree

from mlconnector.connectors.qbd.qbxml.limits import TextFitter
from mlconnector.platform.documents import Address

Element = etree._Element


class Ref(msgspec.Struct, frozen=True, kw_only=True):
    """A reference to a QuickBooks list object: by ListID when we know it, else by FullName."""

    list_id: str | None = None
    full_name: str | None = None


def child(parent: Element, tag: str, text: str | None = None) -> Element:
    node = etree.SubElement(parent, tag)
    if text is not None:
        node.text = text
    return node


def optional(parent: Element, tag: str, text: str | None) -> None:
    """A child only when there is something to say (QuickBooks treats an empty element as a value)."""
    if text:
        child(parent, tag, text)


def ref(parent: Element, tag: str, value: Ref) -> None:
    """A ``…Ref`` by ListID (stable across renames) or, when we have none, by FullName."""
    node = child(parent, tag)
    if value.list_id:
        child(node, "ListID", value.list_id)
    elif value.full_name:
        child(node, "FullName", value.full_name)
    else:
        raise ValueError(f"{tag} needs a ListID or a FullName")


def named(parent: Element, tag: str, full_name: str | None, fitter: TextFitter, path: str) -> None:
    """An optional ``…Ref`` by FullName taken from the settings, fitted to its length."""
    fitted = fitter.fit(f"{path}/{tag}/FullName", full_name)
    if fitted:
        ref(parent, tag, Ref(full_name=fitted))


def address(parent: Element, tag: str, value: Address | None, fitter: TextFitter, path: str) -> None:
    """``BillAddress``/``ShipAddress``: up to five lines (name and company first), city, state, postal code, country."""
    if value is None:
        return
    lines = [v for v in (value.name, value.company, *value.lines) if v and v.strip()][:5]
    fields = [(f"Addr{i}", line) for i, line in enumerate(lines, start=1)]
    fields += [("City", value.city), ("State", value.region), ("PostalCode", value.postal_code)]
    fields += [("Country", value.country)]
    fitted = [(name, fitter.fit(f"{path}/{tag}/{name}", text)) for name, text in fields]
    if not any(text for _, text in fitted):
        return
    node = child(parent, tag)
    for name, text in fitted:
        optional(node, name, text)


def to_text(element: Element) -> str:
    return etree.tostring(element, encoding="unicode")
