"""Fixtures of the Adobe Commerce plugin's tests (helpers live in ``mlc_testing.commerce``)."""

from __future__ import annotations

import pytest
from mlc_testing.commerce import (  # noqa: F401  (fixtures)
    commerce_database,
    commerce_database_url,
    commerce_postgres,
    commerce_sqlite_template,
)

from mlconnector.connectors.commerce.fake import FakeCommerce


@pytest.fixture
def fake() -> FakeCommerce:
    """A fake store with 300 generated orders (and their customers, invoices and credit memos)."""
    store = FakeCommerce()
    store.catalog.generate(300, seed=11)
    return store
