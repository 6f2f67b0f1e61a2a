"""What goes out for a write in this exchange: the write itself (with its parents' ids filled in and anything the
session's QuickBooks does not know removed), or the query its step calls for. Each element carries its attempt id.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lxml import etree

from mlconnector.connectors.qbd.naming import namesake_prefix
from mlconnector.connectors.qbd.qbxml import customer as customer_builder
from mlconnector.connectors.qbd.qbxml import names as names_builder
from mlconnector.connectors.qbd.qbxml import txn_query, versions
from mlconnector.connectors.qbd.qbxml.envelope import parse_version
from mlconnector.connectors.qbd.writes import states


class CannotSend(Exception):
    """The write cannot go out in this session (its parent has no id yet, or QuickBooks is too old for it)."""


@dataclass(frozen=True, slots=True)
class Pending:
    """A write picked for this exchange."""

    id: int
    state: str
    step: str
    object_type: str
    action: str
    request: str
    bindings: list[dict[str, Any]]
    min_version: str
    match: dict[str, Any]
    attempt: int
    solo: bool
    operation_key: str
    document_key: str


def _bound(request: str, bindings: list[dict[str, Any]], ids: Mapping[str, str]) -> etree._Element:
    root = etree.fromstring(request)
    for binding in bindings:
        qb_id = ids.get(binding["key"])
        if not qb_id:
            raise CannotSend(f"{binding['key']} has no QuickBooks id yet")
        node = root.find(binding["path"])
        if node is None:
            raise CannotSend(f"{binding['path']} is missing from the request")
        if binding.get("kind") == "list_ref":
            for old in list(node):
                node.remove(old)
            etree.SubElement(node, "ListID").text = qb_id
        else:
            node.text = qb_id
    return root


def _for_version(element: etree._Element, version: str, needs: str | None = None) -> etree._Element:
    """``element`` as ``version`` understands it (optional newer elements dropped), or :class:`CannotSend`."""
    target = parse_version(version)
    if needs is not None and parse_version(needs) <= target:
        return element
    text = versions.downgrade(etree.tostring(element, encoding="unicode"), version)
    if text is None:
        raise CannotSend(f"{element.tag} needs a newer qbXML than {version}, which this QuickBooks supports")
    return etree.fromstring(text)


def _queries(write: Pending) -> list[etree._Element]:
    if write.step == states.NAMES:
        base = write.match.get("base_name") or write.match["name"]
        built = names_builder.namesake_queries(namesake_prefix(base))
    elif write.step == states.REFRESH:
        built = [customer_builder.customer_query(list_ids=[write.match["list_id"]])]
    elif write.object_type == "Customer":
        fields = customer_builder.RECONCILE_FIELDS
        built = [customer_builder.customer_query(full_names=[write.match["name"]], include=fields)]
    else:
        built = [txn_query.txn_query(write.object_type, ref_numbers=[write.match["ref_number"]])]
    return [etree.fromstring(request.xml) for request in built]


def elements_for(write: Pending, attempt: int, version: str, ids: Mapping[str, str]) -> list[etree._Element]:
    """The request elements for ``write``'s next ``attempt``, each with its requestID set."""
    if write.step == states.WRITE:
        root = _bound(write.request, write.bindings, ids) if write.bindings else etree.fromstring(write.request)
        elements = [_for_version(root, version, write.min_version)]
    else:
        elements = [_for_version(element, version) for element in _queries(write)]
    if len(elements) == 1:
        elements[0].set("requestID", states.request_id(write.id, attempt))
    else:
        for part, element in enumerate(elements):
            element.set("requestID", states.request_id(write.id, attempt, part))
    return elements
