"""``example-csv``: orders from a CSV file, one row per order line.

The cursor is the ``updated_at`` of the last order handed over, so a second read returns only orders that changed
since (rows are grouped by ``order_number`` and read in ``updated_at`` order).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, ClassVar

from mlconnector.platform.documents import Document, Line, Order, Party
from mlconnector.platform.plugins import (
    PLUGIN_API_VERSION,
    CheckResult,
    SourceBatch,
    SourceContext,
    SourcePlugin,
    SourceRecord,
)

COLUMNS = (
    "order_number",
    "date",
    "updated_at",
    "email",
    "first_name",
    "last_name",
    "sku",
    "name",
    "quantity",
    "unit_price",
)
BATCH_SIZE = 100


def _money(value: str) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


def _orders(path: Path) -> list[dict[str, Any]]:
    grouped: dict[str, list[dict[str, str]]] = defaultdict(list)
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            grouped[row["order_number"]].append(row)
    orders = [
        {"order_number": number, "rows": rows, "updated_at": max(r["updated_at"] for r in rows)}
        for number, rows in grouped.items()
    ]
    return sorted(orders, key=lambda order: (order["updated_at"], order["order_number"]))


class CsvOrdersSource(SourcePlugin):
    name: ClassVar[str] = "example-csv"
    title: ClassVar[str] = "CSV file (example plugin)"
    plugin_api_version: ClassVar[str] = PLUGIN_API_VERSION
    streams: ClassVar[tuple[str, ...]] = ("order",)
    capabilities: ClassVar[frozenset[str]] = frozenset({"incremental"})
    config_schema: ClassVar[Mapping[str, Any]] = {
        "type": "object",
        "properties": {
            "path": {"type": "string", "minLength": 1, "description": "CSV file to read"},
            "store_id": {"type": "string", "default": "1"},
            "currency": {"type": "string", "pattern": "^[A-Z]{3}$", "default": "USD"},
        },
        "required": ["path"],
        "additionalProperties": False,
    }

    async def check(self, config: Mapping[str, Any]) -> CheckResult:
        path = Path(config.get("path", ""))
        if not path.is_file():
            return CheckResult.failure("not_found", f"There is no file at {path}. Check the path and try again.")
        try:
            with path.open(newline="", encoding="utf-8") as handle:
                header = next(csv.reader(handle), [])
        except (OSError, UnicodeDecodeError) as error:
            return CheckResult.failure("unreadable", f"The file could not be read ({type(error).__name__}).")
        missing = [column for column in COLUMNS if column not in header]
        if missing:
            return CheckResult.failure("invalid_config", f"The file lacks the columns {', '.join(missing)}.")
        return CheckResult.success(f"{path.name} has every expected column.")

    async def read(self, context: SourceContext, stream: str, cursor: str | None) -> AsyncIterator[SourceBatch]:
        orders = [o for o in _orders(Path(context.config["path"])) if cursor is None or o["updated_at"] > cursor]
        for start in range(0, len(orders), BATCH_SIZE):
            chunk = orders[start : start + BATCH_SIZE]
            records = [self._record(context.config, order) for order in chunk]
            yield SourceBatch(records=records, cursor=chunk[-1]["updated_at"])

    def _record(self, config: Mapping[str, Any], order: dict[str, Any]) -> SourceRecord:
        store = config.get("store_id", "1")
        payload = {"store_id": store, "currency": config.get("currency", "USD"), **order}
        return SourceRecord(
            stream="order",
            key=f"order:{store}:{order['order_number']}",
            source_id=order["order_number"],
            updated_at=datetime.fromisoformat(order["updated_at"]),
            payload=payload,
        )

    def normalize(self, record: SourceRecord) -> Sequence[Document]:
        rows = record.payload["rows"]
        first = rows[0]
        email = first["email"].strip().lower()
        party = Party(
            key=f"guest:{email}",
            email=email,
            first_name=first["first_name"],
            last_name=first["last_name"],
            is_guest=True,
        )
        lines = []
        for index, row in enumerate(rows, start=1):
            try:
                quantity, price = Decimal(row["quantity"]), _money(row["unit_price"])
            except InvalidOperation:
                raise ValueError(
                    f"order {record.source_id} line {index}: quantity and unit_price must be numbers"
                ) from None
            lines.append(
                Line(
                    key=str(index),
                    sku=row["sku"],
                    name=row["name"],
                    quantity=quantity,
                    unit_price=price,
                    amount=_money(str(quantity * price)),
                )
            )
        subtotal = sum((line.amount for line in lines), Decimal("0.00"))
        order = Order(
            key=record.key,
            number=record.source_id,
            source_id=record.source_id,
            store_id=record.payload["store_id"],
            date=date.fromisoformat(first["date"]),
            currency=record.payload["currency"],
            customer=party,
            lines=tuple(lines),
            subtotal=subtotal,
            grand_total=subtotal,
            updated_at=record.updated_at,
            state="new",
            status="pending",
        )
        return [order]
