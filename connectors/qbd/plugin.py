"""The ``qbd`` sink plugin: QuickBooks Desktop through the QuickBooks Web Connector (deferred delivery).

``plan`` turns a canonical document into qbXML operations (or holds), ``deliver`` queues them as pending writes,
and the SOAP service under ``/connectors/qbd/qbwc`` hands them to the Web Connector when it polls, reporting each
document's outcome back to the core when QuickBooks has answered for all of its writes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

import click

from mlconnector.connectors.qbd import admin, planner
from mlconnector.connectors.qbd.connection_status import describe
from mlconnector.connectors.qbd.settings import PostingSettings, SettingsError, posting_settings_schema
from mlconnector.connectors.qbd.soap.routes import ServiceRegistry, make_routes
from mlconnector.connectors.qbd.writes.queue import PlanRejected, enqueue
from mlconnector.platform.documents import Document
from mlconnector.platform.plugins import (
    PLUGIN_API_VERSION,
    CatalogEntry,
    CheckResult,
    ClientFile,
    Hold,
    JobHandler,
    Outcome,
    Plan,
    PluginContext,
    SandboxContext,
    SandboxPart,
    SinkContext,
    SinkPlugin,
    utcnow,
)

LISTS = {"items": "Item", "payment_methods": "PaymentMethod", "accounts": "Account"}


class QuickBooksDesktopSink(SinkPlugin):
    name: ClassVar[str] = "qbd"
    title: ClassVar[str] = "QuickBooks Desktop"
    plugin_api_version: ClassVar[str] = PLUGIN_API_VERSION
    capabilities: ClassVar[frozenset[str]] = frozenset({"deferred_delivery", "preview"})
    accepts: ClassVar[frozenset[str]] = frozenset({"customer", "invoice", "payment", "credit_memo"})
    config_schema: ClassVar[Mapping[str, Any]] = {
        "type": "object",
        "properties": {
            "username": {
                "type": "string",
                "minLength": 1,
                "maxLength": 63,
                "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]*$",
                "description": "The Web Connector user name in this tenant's .qwc file (set by `mlc qbwc password`).",
            },
        },
        "required": ["username"],
        "additionalProperties": False,
    }

    settings_schema: ClassVar[Mapping[str, Any]] = posting_settings_schema()

    def __init__(self) -> None:
        self.registry = ServiceRegistry()

    async def check(self, config: Mapping[str, Any]) -> CheckResult:
        """The Web Connector calls us, never the other way round: report what the last contact showed."""
        return await describe(str(config.get("username", "")))

    async def plan(self, context: SinkContext, document: Document) -> Plan:
        try:
            settings = PostingSettings.from_mapping(context.settings)
        except SettingsError as error:
            return Plan(document_key=document.key, holds=(Hold(code="invalid_settings", reason=str(error)),))
        known = await planner.load_known(context.session, context.tenant_id, document, settings)
        try:
            return planner.plan(document, settings, known)
        except ValueError as error:  # a figure QuickBooks cannot hold (13 digits of amount, 10 of quantity)
            number = getattr(document, "number", None) or document.key
            reason = f"{number}: {error}. Check the document in the store; it cannot be posted as it is."
            return Plan(document_key=document.key, holds=(Hold(code="out_of_range", reason=reason),))

    async def deliver(self, context: SinkContext, plan: Plan) -> Outcome:
        try:
            return await enqueue(context.session, context.tenant_id, plan, utcnow())
        except PlanRejected as error:
            return Outcome(status="failed", error=str(error))

    async def credentials(self, context: PluginContext) -> Mapping[str, str]:
        """A new Web Connector password for the connection's user name (shown once; stored hashed)."""
        assert context.database is not None
        username, password = await admin.rotate_password(context.database, context.tenant_id, _username(context))
        return {"username": username, "password": password}

    async def client_file(self, context: PluginContext) -> ClientFile:
        """The .qwc file to add in the QuickBooks Web Connector."""
        assert context.database is not None
        content = await admin.qwc_for(context.database, context.tenant_id, context.public_base_url)
        return ClientFile(filename=f"{_username(context)}.qwc", content_type="application/x-qwc", content=content)

    async def catalog(self, context: PluginContext, list_name: str, *, refresh: bool = False) -> list[CatalogEntry]:
        """QuickBooks' items, payment methods or accounts as last read (``refresh`` queues a new read for the next
        Web Connector contact)."""
        if list_name not in LISTS:
            raise ValueError(f"QuickBooks has no list {list_name!r}; ask for one of {', '.join(LISTS)}")
        assert context.database is not None
        if refresh:
            await admin.request_list_refresh(context.database, context.tenant_id)
        entries = await admin.catalog_entries(context.database, context.tenant_id, LISTS[list_name])
        return [
            CatalogEntry(name=e.name or e.full_name, full_name=e.full_name, kind=e.subtype, active=e.is_active)
            for e in entries
        ]

    def routes(self) -> Sequence[Any]:
        return make_routes(self.registry)

    def cli(self) -> Sequence[click.Command]:
        from mlconnector.connectors.qbd.cli import qbwc

        return [qbwc]

    def migrations(self) -> Path | None:
        return Path(__file__).parent / "migrations"

    def jobs(self) -> Sequence[JobHandler]:
        from mlconnector.connectors.qbd.sandbox.cycle import job_handlers

        return job_handlers()

    async def sandbox(self, context: SandboxContext) -> SandboxPart:
        """Simulated books and a simulated Web Connector (see :mod:`mlconnector.connectors.qbd.sandbox`)."""
        from mlconnector.connectors.qbd.sandbox.part import sandbox_part

        return await sandbox_part(context)


def _username(context: PluginContext) -> str:
    username = str(context.config.get("username") or "")
    if not username:
        raise ValueError("set the QuickBooks connection's Web Connector user name first")
    return username
