"""Payment method, its title and the gateway's transaction id, as an order carries them (NOTES §4.4)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def method_code(order: Mapping[str, Any]) -> str:
    return str((order.get("payment") or {}).get("method") or "unknown")


def method_title(order: Mapping[str, Any]) -> str | None:
    """``payment_additional_info[method_title]`` when present, else the first ``additional_information`` entry."""
    for entry in (order.get("extension_attributes") or {}).get("payment_additional_info") or ():
        if entry.get("key") == "method_title" and entry.get("value"):
            return str(entry["value"])
    info = (order.get("payment") or {}).get("additional_information") or ()
    first = info[0] if info else None
    return str(first) if first else None


def transaction_id(document: Mapping[str, Any], order: Mapping[str, Any]) -> str | None:
    """The invoice's own ``transaction_id`` (set by an online capture), else the payment's ``last_trans_id``."""
    value = document.get("transaction_id") or (order.get("payment") or {}).get("last_trans_id")
    return str(value) if value else None
