"""The store context stored beside each sales record: time zone, website and base currency (``records.py``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from mlconnector.connectors.commerce.errors import IncompleteRecord
from mlconnector.connectors.commerce.normalize.dates import store_zone


@dataclass(frozen=True, slots=True)
class Store:
    store_id: str
    website_id: Any
    zone: ZoneInfo
    currency: str


def store_of(payload: Mapping[str, Any], document: Mapping[str, Any], what: str) -> Store:
    """The books' currency is the store's base currency (``base_currency_code`` on the document itself, which
    Magento copies from the website at order time); the store context adds the time zone and website."""
    context = payload.get("store") or {}
    currency = document.get("base_currency_code") or context.get("base_currency_code")
    if not currency:
        raise IncompleteRecord(f"{what} has no base_currency_code, and its store is unknown")
    store_id = document.get("store_id", context.get("store_id"))
    return Store(
        store_id=str(store_id),
        website_id=context.get("website_id", store_id),
        zone=store_zone(context.get("timezone")),
        currency=str(currency),
    )
