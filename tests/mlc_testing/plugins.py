"""Throwaway plugins for the core's own tests (a partner's plugin is tested with the contract kit instead)."""

from __future__ import annotations

import asyncio
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
    ConfigProblem,
    Hold,
    JobHandler,
    Operation,
    Outcome,
    Plan,
    SandboxContext,
    SandboxJob,
    SandboxPart,
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
SANDBOX_FACTS: list[dict[str, Any]] = []
"""What each test sink's ``sandbox`` hook was told by the source set up before it."""


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


SANDBOX_URL = "https://sandbox.invalid"


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

    def validate(self, config: Mapping[str, Any], *, sandbox: bool) -> Sequence[ConfigProblem]:
        if not sandbox and config.get("url") == SANDBOX_URL:
            return [ConfigProblem("url", "is the simulated store: only a sandbox may use it")]
        return ()

    async def sandbox(self, context: SandboxContext) -> SandboxPart:
        return SandboxPart(config={"url": SANDBOX_URL, "token": "sandbox-token"}, facts={"skus": ["SKU-1", "SKU-2"]})


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

    async def sandbox(self, context: SandboxContext) -> SandboxPart:
        SANDBOX_FACTS.append(dict(context.facts))
        return SandboxPart(config={}, jobs=(SandboxJob("testsink.simulate", context.cycle_seconds * 2),))


class StrayJobSink(TestSink):
    """Its sandbox asks for another plugin's job kind: refused."""

    __test__ = False
    name: ClassVar[str] = "strayjob"

    async def sandbox(self, context: SandboxContext) -> SandboxPart:
        return SandboxPart(config={}, jobs=(SandboxJob("testplug.remember", 5),))


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


class StoreSource(TestSource):
    """``TestSource`` without its own tables, routes, commands or jobs: for apps running on the core schema."""

    __test__ = False

    def migrations(self) -> Path | None:
        return None

    def routes(self) -> Sequence[Any]:
        return ()

    def cli(self) -> Sequence[click.Command]:
        return ()

    def jobs(self) -> Sequence[JobHandler]:
        return ()


class OtherStoreSource(StoreSource):
    """A second source plugin: a tenant may connect only one source at a time."""

    __test__ = False
    name: ClassVar[str] = "othershop"
    title: ClassVar[str] = "Other shop"


PROBE_PASSWORD = "correct-horse-9"


class ProbeSink(TestSink):
    """A sink whose ``check`` answers according to ``host``, to exercise every kind of ping outcome — including a
    misbehaving plugin that echoes or raises with its secret (the core must mask it)."""

    __test__ = False
    name: ClassVar[str] = "probesink"
    title: ClassVar[str] = "Probe sink"
    config_schema: ClassVar[Mapping[str, Any]] = {
        "type": "object",
        "properties": {
            "host": {"type": "string", "maxLength": 200},
            "store_code": {"type": "string", "pattern": "^[a-z0-9_]+$"},
            "credentials": {
                "type": "object",
                "properties": {"password": {"type": "string", "secret": True, "minLength": 8}},
                "required": ["password"],
                "additionalProperties": False,
            },
        },
        "required": ["host", "credentials"],
        "additionalProperties": False,
    }

    async def check(self, config: Mapping[str, Any]) -> CheckResult:
        host = config["host"]
        password = config["credentials"]["password"]
        if host == "slow.example":
            await asyncio.sleep(60)
        if host == "crash.example":
            raise RuntimeError(f"socket closed while sending {password.reveal()}")
        if host == "leaky.example":
            return CheckResult.failure("bad_credentials", f"password {password.reveal()} was refused")
        if host == "tls.example":
            return CheckResult.failure("tls", "The certificate of tls.example is not trusted; install a valid one.")
        if password.reveal() != PROBE_PASSWORD:
            return CheckResult.failure("bad_credentials", "QuickBooks refused the password; type it again.")
        return CheckResult.success(f"Connected to {host}.")


def account_plugins() -> Any:
    """The plugins the accounts tests install: a source with a secret ``token`` and a sink with a nested secret."""
    from mlconnector.platform.plugins.discovery import load_plugins

    return load_plugins(
        entries=[
            entry("testplug", "mlc_testing.plugins:StoreSource"),
            entry("probesink", "mlc_testing.plugins:ProbeSink"),
            entry("othershop", "mlc_testing.plugins:OtherStoreSource"),
        ]
    )
