"""The ``sandbox`` hook of the Adobe Commerce source: a bearer-token connection to a new sandbox store."""

from __future__ import annotations

from datetime import UTC, datetime

from mlconnector.connectors.commerce.sandbox.address import SandboxAddress
from mlconnector.connectors.commerce.sandbox.store import SandboxStore
from mlconnector.platform.plugins import SandboxPart


def sandbox_part(now: datetime | None = None) -> SandboxPart:
    """Facts shared with the books' side: ``skus`` (every SKU the store sells that the books should stock) and
    ``unmapped_skus`` (SKU → product name, sold but deliberately left without a QuickBooks item)."""
    address = SandboxAddress.new(now or datetime.now(UTC))
    facts = SandboxStore(address).facts()
    return SandboxPart(
        config={"base_url": address.base_url, "auth_mode": "bearer", "access_token": address.access_token},
        facts={"skus": list(facts.skus), "unmapped_skus": dict(facts.unmapped)},
    )
