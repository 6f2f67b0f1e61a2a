"""Fixtures of the Adobe Commerce plugin's tests (helpers live in ``mlc_testing.commerce``)."""

from __future__ import annotations

from mlc_testing.commerce import (  # noqa: F401  (fixtures)
    commerce_database,
    commerce_database_url,
    commerce_postgres,
    commerce_sqlite_template,
)
