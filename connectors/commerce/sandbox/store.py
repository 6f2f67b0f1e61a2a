"""The sandbox's fake store: a few products and customers, and a stream of captured orders.

Order *n* is due at ``started_at + (n - BACKLOG) × ORDER_EVERY``: the first ``BACKLOG`` are already there when the
sandbox opens (one of them sells ``UNMAPPED_SKU``, which the simulated books have no item for, so a hold appears
at once), then one more arrives every ``ORDER_EVERY`` until ``ORDERS``. Everything is drawn from a generator seeded
by the address and the order's number, so every process builds the very same store.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from mlconnector.connectors.commerce.fake import FakeCommerce
from mlconnector.connectors.commerce.fake.app import ALL_RESOURCES
from mlconnector.connectors.commerce.fake.catalog import OrderLine, Product
from mlconnector.connectors.commerce.fake.oauth import Integration
from mlconnector.connectors.commerce.sandbox.address import SandboxAddress

ORDERS = 40
BACKLOG = 4
ORDER_EVERY = timedelta(seconds=20)
PRODUCTS = 8
CUSTOMERS = 4
MAX_ITEM_NAME = 31
"""QuickBooks item names are at most 31 characters; the books name items after SKUs."""
UNMAPPED_SKU = "GIFT-WRAP"
UNMAPPED_NAME = "Gift wrapping"
HELD_ORDER = 1
"""The order (by number) that sells the unmapped SKU."""


@dataclass(frozen=True, slots=True)
class StoreFacts:
    """What the books' side needs to know to stock its items."""

    skus: tuple[str, ...]
    unmapped: dict[str, str]
    """SKU → product name, for the SKUs deliberately left without a QuickBooks item."""


class SandboxStore:
    def __init__(self, address: SandboxAddress) -> None:
        self.address = address
        self.fake = FakeCommerce(bearer_enabled=True)
        self.fake.oauth.integrations["sandbox"] = Integration(
            1, "sandbox", "sandbox", address.access_token, "sandbox", ALL_RESOURCES
        )
        catalog = self.fake.catalog
        opening = address.started_at - BACKLOG * ORDER_EVERY
        catalog.generate(0, customers=CUSTOMERS, seed=address.seed, start=opening, span=timedelta(days=30))
        eligible = [p for p in catalog.sellable if len(p.sku) <= MAX_ITEM_NAME]
        self.products = random.Random(address.seed).sample(eligible, PRODUCTS)  # noqa: S311 - sample data
        self.gift_wrap = Product(90_001, UNMAPPED_SKU, UNMAPPED_NAME, Decimal("4.50"))
        self.customer_ids = sorted(catalog.customers)
        self.placed = 0

    def due(self, number: int) -> datetime:
        return self.address.started_at + (number - BACKLOG) * ORDER_EVERY

    def advance(self, now: datetime) -> int:
        """Place every order whose time has come; returns how many orders the store now has."""
        while self.placed < ORDERS and self.due(self.placed) <= now:
            self._place(self.placed)
            self.placed += 1
        return self.placed

    def _place(self, number: int) -> None:
        rng = random.Random(self.address.seed * 1000 + number)  # noqa: S311 - sample data
        lines = [OrderLine(product, rng.randint(1, 3)) for product in rng.sample(self.products, rng.randint(1, 2))]
        if number == HELD_ORDER:
            lines.append(OrderLine(self.gift_wrap, 1))
        guest = rng.random() < 0.3
        when = self.due(number).replace(microsecond=0)
        catalog = self.fake.catalog
        order = catalog.add_generated_order(
            1, lines, when, customer_id=None if guest else rng.choice(self.customer_ids), rng=rng
        )
        catalog.invoice_order(order.fields["entity_id"], when, paid=True)

    def facts(self) -> StoreFacts:
        return StoreFacts(
            skus=tuple(sorted(product.sku for product in self.products)), unmapped={UNMAPPED_SKU: UNMAPPED_NAME}
        )
