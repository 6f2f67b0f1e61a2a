"""What a delivery asks us to read again (pure).

I/O Events types are ``com.adobe.commerce.<observer|plugin>.<event>`` (NOTES §5.2); only the subscribed fields are
sent, so the id is looked for where the event references put it (``entity_id``, ``id``, a customer's
``data_model.id``). An invoice or credit memo event also re-reads its order, whose totals it changed. An event
without a usable id asks for an incremental read of its stream instead; an event of another kind asks for nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mlconnector.connectors.commerce.records import CREDIT_MEMO, CUSTOMER, INVOICE, ORDER, PRODUCT


@dataclass(frozen=True, slots=True)
class Target:
    stream: str
    source_id: str | None
    """``None``: read the stream incrementally (the event named no id)."""


def _id(value: Mapping[str, Any], *names: str) -> str | None:
    for name in names:
        found = value.get(name)
        if found is not None and str(found).isdigit():
            return str(found)
    model = value.get("data_model")
    if isinstance(model, Mapping) and str(model.get("id", "")).isdigit():
        return str(model["id"])
    return None


def stream_of(event_name: str) -> str | None:
    name = event_name.lower()
    if "creditmemo" in name:
        return CREDIT_MEMO
    if "invoice" in name:
        return INVOICE
    if "sales_order" in name or "order_management" in name or "sales.api.order" in name:
        return ORDER
    if "customer" in name and "group" not in name:
        return CUSTOMER
    if "catalog_product" in name or "product_repository" in name:
        return PRODUCT
    return None


def targets(event_name: str, value: Mapping[str, Any]) -> list[Target]:
    stream = stream_of(event_name)
    if stream is None:
        return []
    own = _id(value, "entity_id", "id")
    found = [Target(stream, own)]
    if stream in (INVOICE, CREDIT_MEMO):
        order_id = _id({"order_id": value.get("order_id")}, "order_id")
        if order_id:
            found.append(Target(ORDER, order_id))
    return found


def io_event_targets(event: Mapping[str, Any]) -> tuple[str, list[Target]]:
    """The event id (for de-duplication: redeliveries repeat it) and what to read."""
    event_id = str(event.get("event_id") or event.get("eventid") or event.get("id") or "")
    data = event.get("data") or {}
    value = data.get("value") if isinstance(data, Mapping) else None
    return event_id, targets(str(event.get("type") or ""), value if isinstance(value, Mapping) else {})


_HOOK_OBJECTS = {
    "order": "sales_order",
    "invoice": "sales_order_invoice",
    "creditmemo": "sales_order_creditmemo",
    "customer": "customer",
    "product": "catalog_product",
}


def commerce_webhook_targets(body: Mapping[str, Any], raw: bytes) -> tuple[str, list[Target]]:
    """Webhooks-module payloads: ``{"eventName": …, "data": {"order": {…}}}`` (observers) or ``{"order": {…}}``
    (plugins, NOTES §5.1). They carry no event id; an identical redelivery has an identical body."""
    found: list[Target] = []
    for container in (body.get("data"), body):
        if isinstance(container, Mapping):
            for key, event_name in _HOOK_OBJECTS.items():
                obj = container.get(key)
                if isinstance(obj, Mapping):
                    found.extend(targets(event_name, obj))
    return hashlib.sha256(raw).hexdigest(), list(dict.fromkeys(found))
