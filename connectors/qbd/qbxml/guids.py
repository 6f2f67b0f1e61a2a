"""Deterministic ExternalGUIDs: the same tenant, entity and Commerce key always give the same GUID.

QuickBooks accepts an app-supplied ExternalGUID on adds (lists from qbXML 8.0, transactions from 9.0) and returns
it on queries; it cannot be used as a query filter, so it is the tie-breaker when an in-doubt write is reconciled
by RefNumber or name (NOTES.md 4.3).
"""

from __future__ import annotations

import uuid

NAMESPACE = uuid.UUID("0f4d0c0e-6d6c-4a63-9a53-71626478d0a1")
"""Fixed for the product; changing it would make every earlier write unrecognisable."""


def external_guid(tenant_id: uuid.UUID, entity: str, key: str) -> str:
    """``{8-4-4-4-12}`` (GUIDTYPE), upper-case as QuickBooks prints GUIDs."""
    value = uuid.uuid5(NAMESPACE, f"{tenant_id}:{entity}:{key}")
    return "{" + str(value).upper() + "}"


def same_guid(left: str | None, right: str | None) -> bool:
    return bool(left and right) and left.strip("{}").lower() == right.strip("{}").lower()  # type: ignore[union-attr]
