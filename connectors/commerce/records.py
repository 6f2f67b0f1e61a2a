"""The raw records this source stores, and their stable keys.

A record's payload is what Magento returned, verbatim, under the entity's name, plus the context normalisation
needs and cannot fetch itself (normalisation is pure): the store's time zone, website and base currency from
``/V1/store/storeConfigs``, and for invoices and credit memos the order they belong to (customer, addresses,
payment, the item tree) — invoices carry none of that themselves.

    {"order": {...}, "store": {...}}
    {"invoice": {...}, "order": {...order context...}, "store": {...}}
    {"credit_memo": {...}, "order": {...}, "invoice": {"entity_id": 3, "increment_id": "…"} | None, "store": {...}}
    {"customer": {...}, "store": {...}}
    {"product": {...}}

Keys include the store, because ``increment_id`` is unique per store only (NOTES §4.1).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from mlconnector.connectors.commerce.normalize.dates import parse_utc
from mlconnector.platform.plugins import SourceRecord

ORDER, INVOICE, CREDIT_MEMO, CUSTOMER, PRODUCT = "order", "invoice", "credit_memo", "customer", "product"
STREAMS = (CUSTOMER, ORDER, INVOICE, CREDIT_MEMO, PRODUCT)
"""In reading order: buyers before the documents that name them; products (SKU-mapping suggestions only) last."""


def store_context(store_config: Mapping[str, Any]) -> dict[str, Any]:
    """The part of one ``/V1/store/storeConfigs`` entry a document needs."""
    return {
        "store_id": store_config.get("id"),
        "code": store_config.get("code"),
        "website_id": store_config.get("website_id"),
        "timezone": store_config.get("timezone"),
        "base_currency_code": store_config.get("base_currency_code"),
    }


def record_key(stream: str, entity: Mapping[str, Any]) -> str:
    """The stored record's key. An entity the store sent without its number (or id) still gets a stable key — from
    its database id, or else its content — so it is stored and held with the reason instead of failing its page."""
    if stream in (ORDER, INVOICE, CREDIT_MEMO):
        return f"{stream}:{entity.get('store_id')}:{_number(entity, 'increment_id')}"
    if stream == CUSTOMER:
        return f"customer:{entity.get('website_id')}:{_number(entity, 'id')}"
    return f"product:{_number(entity, 'id')}"


def _number(entity: Mapping[str, Any], field: str) -> str:
    value = entity.get(field)
    if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
        return str(value)
    fallback = entity.get("entity_id", entity.get("id"))
    if isinstance(fallback, str | int) and not isinstance(fallback, bool) and str(fallback).strip():
        return f"#{fallback}"
    digest = hashlib.sha256(json.dumps(entity, sort_keys=True, default=str).encode()).hexdigest()[:16]
    return f"#unknown-{digest}"


def entity_id(stream: str, entity: Mapping[str, Any]) -> int:
    """Sales documents are keyed by ``entity_id``; customers and products by ``id`` (both are ``entity_id`` in
    searchCriteria)."""
    return int(entity["entity_id"] if stream in (ORDER, INVOICE, CREDIT_MEMO) else entity["id"])


def make_record(stream: str, entity: Mapping[str, Any], **context: Any) -> SourceRecord:
    payload: dict[str, Any] = {stream: dict(entity), **context}
    try:
        source_id = str(entity_id(stream, entity))
    except (KeyError, TypeError, ValueError):  # kept, and held at normalisation with the reason
        source_id = ""
    return SourceRecord(
        stream=stream,
        key=record_key(stream, entity),
        source_id=source_id,
        updated_at=parse_utc(entity.get("updated_at")),
        payload=payload,
    )
