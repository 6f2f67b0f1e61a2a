"""The partner's own tests: the ml-connector contract kit, plus the plugin's incremental read."""

from __future__ import annotations

import asyncio
import uuid
from decimal import Decimal
from pathlib import Path

from mlc_example_plugin.source import CsvOrdersSource

from mlconnector.platform.plugins import SourceContext, SourceRecord
from mlconnector.platform.plugins.contract import SourceContract

FIXTURE = Path(__file__).parent / "orders.csv"


def _records() -> list[SourceRecord]:
    plugin = CsvOrdersSource()
    context = SourceContext(tenant_id=uuid.uuid4(), config={"path": str(FIXTURE)}, session=None)  # type: ignore[arg-type]

    async def collect() -> list[SourceRecord]:
        return [record async for batch in plugin.read(context, "order", None) for record in batch.records]

    return asyncio.run(collect())


class TestCsvOrdersContract(SourceContract):
    plugin_class = CsvOrdersSource
    valid_config = {"path": str(FIXTURE), "store_id": "1"}
    unreachable_config = {"path": "/nonexistent/orders.csv"}
    sample_records = _records()


def test_read_resumes_after_cursor() -> None:
    plugin = CsvOrdersSource()
    context = SourceContext(tenant_id=uuid.uuid4(), config={"path": str(FIXTURE)}, session=None)  # type: ignore[arg-type]

    async def read(cursor: str | None) -> list[tuple[list[str], str | None]]:
        return [([r.source_id for r in b.records], b.cursor) async for b in plugin.read(context, "order", cursor)]

    everything = asyncio.run(read(None))
    assert [ids for ids, _ in everything] == [["1001", "1002", "1003"]]
    after_first = asyncio.run(read("2026-01-02T10:00:00"))
    assert [ids for ids, _ in after_first] == [["1002", "1003"]]


def test_order_totals_add_up() -> None:
    orders = {doc.number: doc for record in _records() for doc in CsvOrdersSource().normalize(record)}
    assert orders["1001"].grand_total == Decimal("59.97")
    assert len(orders["1001"].lines) == 2
