"""Throwaway plugins for the core's own tests (a partner's plugin is tested with the contract kit instead)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import date
from decimal import Decimal
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any, ClassVar

import click
from litestar import get

from mlconnector.platform.documents import Document, Order, Party, decode_document
from mlconnector.platform.plugins import (
    PLUGIN_API_VERSION,
    CheckResult,
    Hold,
    JobHandler,
    Operation,
    Outcome,
    Plan,
    SinkContext,
    SinkPlugin,
    SourceBatch,
    SourceContext,
    SourcePlugin,
    SourceRecord,
)

RECORDS = [
    SourceRecord(stream="order", key=f"order:1:{n}", source_id=str(n), updated_at=None, payload={"n": n})
    for n in range(1, 6)
]
JOB_RUNS: list[uuid.UUID | None] = []


class _Dist:
    def __init__(self, name: str) -> None:
        self.metadata = {"Name": name}
        self.version = "9.9"


def entry(name: str, target: str, distribution: str = "test-dist") -> EntryPoint:
    return EntryPoint(name, target, "mlconnector.connectors")._for(_Dist(distribution))


@get("/hello", sync_to_thread=False)
def hello() -> dict[str, str]:
    return {"hello": "from testplug"}


@click.command("testplug-hello")
def hello_command() -> None:
    """Say hello from the test plugin."""
    click.echo("hello from testplug")


async def _remember(context: Any) -> None:
    JOB_RUNS.append(context.tenant_id)


class TestSource(SourcePlugin):
    __test__ = False
    name: ClassVar[str] = "testplug"
    title: ClassVar[str] = "Test source"
    plugin_api_version: ClassVar[str] = PLUGIN_API_VERSION
    streams: ClassVar[tuple[str, ...]] = ("order",)
    capabilities: ClassVar[frozenset[str]] = frozenset({"incremental", "fetch_by_id"})
    config_schema: ClassVar[Mapping[str, Any]] = {
        "type": "object",
        "properties": {"url": {"type": "string"}, "token": {"type": "string", "secret": True}},
        "required": ["url", "token"],
        "additionalProperties": False,
    }

    async def check(self, config: Mapping[str, Any]) -> CheckResult:
        if config["token"].reveal() != "good-token":
            return CheckResult.failure("bad_credentials", "The store rejected the access token; paste a new one.")
        return CheckResult.success("Connected.")

    async def read(self, context: SourceContext, stream: str, cursor: str | None) -> AsyncIterator[SourceBatch]:
        start = int(cursor or 0)
        for index in range(start, len(RECORDS), 2):
            batch = RECORDS[index : index + 2]
            yield SourceBatch(records=batch, cursor=str(index + len(batch)))

    async def fetch(self, context: SourceContext, stream: str, source_id: str) -> SourceRecord | None:
        return next((record for record in RECORDS if record.source_id == source_id), None)

    def normalize(self, record: SourceRecord) -> Sequence[Document]:
        if "document" in record.payload:  # tests hand over a ready document
            return [decode_document(record.payload["document"])]
        n = record.payload["n"]
        party = Party(key=f"guest:buyer{n}@example.com", email=f"buyer{n}@example.com", is_guest=True)
        total = Decimal(n * 10).quantize(Decimal("0.01"))
        return [
            Order(
                key=record.key,
                number=record.source_id,
                source_id=record.source_id,
                store_id="1",
                date=date(2026, 1, n),
                currency="USD",
                customer=party,
                grand_total=total,
                subtotal=total,
                state="new",
                status="pending",
            )
        ]

    def routes(self) -> Sequence[Any]:
        return [hello]

    def cli(self) -> Sequence[click.Command]:
        return [hello_command]

    def migrations(self) -> Path | None:
        return Path(__file__).parent / "testplug_migrations"

    def jobs(self) -> Sequence[JobHandler]:
        return [JobHandler("testplug.remember", _remember)]


class TestSink(SinkPlugin):
    __test__ = False
    name: ClassVar[str] = "testsink"
    title: ClassVar[str] = "Test sink"
    plugin_api_version: ClassVar[str] = PLUGIN_API_VERSION
    accepts: ClassVar[frozenset[str]] = frozenset({"order", "invoice"})
    capabilities: ClassVar[frozenset[str]] = frozenset({"direct_delivery", "preview"})
    config_schema: ClassVar[Mapping[str, Any]] = {"type": "object", "properties": {}}
    delivered: ClassVar[list[str]] = []

    async def check(self, config: Mapping[str, Any]) -> CheckResult:
        return CheckResult.success("Nothing to check.")

    async def plan(self, context: SinkContext, document: Document) -> Plan:
        customer = Operation(key=f"customer:{document.customer.key}", action="add", object_type="Customer")
        order = Operation(key=document.key, action="add", object_type="SalesOrder", depends_on=(customer.key,))
        return Plan(document_key=document.key, operations=(customer, order))

    async def deliver(self, context: SinkContext, plan: Plan) -> Outcome:
        TestSink.delivered.append(plan.document_key)
        return Outcome(status="posted", external_ids={op.key: f"ID-{i}" for i, op in enumerate(plan.operations)})


class NewerApiSource(TestSource):
    __test__ = False
    name: ClassVar[str] = "newer"
    plugin_api_version: ClassVar[str] = "1.99"


class BadSchemaSource(TestSource):
    __test__ = False
    name: ClassVar[str] = "badschema"
    config_schema: ClassVar[Mapping[str, Any]] = {"type": "object", "properties": {"x": {"type": "nonsense"}}}


class NotAPlugin:
    pass


class DeferredSink(TestSink):
    """Like the QuickBooks sink: delivery only queues; the outcome is reported later through the inbox."""

    __test__ = False
    name: ClassVar[str] = "testdeferred"
    title: ClassVar[str] = "Deferred test sink"
    accepts: ClassVar[frozenset[str]] = frozenset({"order", "invoice", "credit_memo", "payment"})
    capabilities: ClassVar[frozenset[str]] = frozenset({"deferred_delivery"})
    settings_schema: ClassVar[Mapping[str, Any]] = {
        "type": "object",
        "properties": {
            "held_skus": {"type": "array", "items": {"type": "string"}, "default": []},
            "posting_style": {"enum": ["invoice_and_payment", "sales_receipt"], "default": "invoice_and_payment"},
        },
        "additionalProperties": False,
    }
    queued: ClassVar[list[str]] = []

    async def plan(self, context: SinkContext, document: Document) -> Plan:
        held = [line.sku for line in getattr(document, "lines", ()) if line.sku in context.settings["held_skus"]]
        if held:
            return Plan(
                document_key=document.key,
                holds=tuple(Hold(code="unmapped_sku", reason=f"SKU {sku} has no item", subject=sku) for sku in held),
            )
        return await super().plan(context, document)

    async def deliver(self, context: SinkContext, plan: Plan) -> Outcome:
        DeferredSink.queued.append(plan.document_key)
        return Outcome(status="deferred")
