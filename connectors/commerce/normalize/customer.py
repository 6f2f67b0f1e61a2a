"""Customer records (registered buyers) → :class:`Customer`, keyed exactly as orders name the same buyer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlconnector.connectors.commerce.normalize.dates import parse_utc
from mlconnector.connectors.commerce.normalize.party import party_from_customer
from mlconnector.platform.documents import Customer


def normalize_customer(payload: Mapping[str, Any]) -> Customer:
    customer = payload["customer"]
    party = party_from_customer(customer)
    store_id = customer.get("store_id")
    return Customer(
        key=party.key,
        party=party,
        store_id=None if store_id is None else str(store_id),
        updated_at=parse_utc(customer.get("updated_at")),
    )
