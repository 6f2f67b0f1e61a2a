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

from mlconnector.connectors.qbd import planner
from mlconnector.connectors.qbd.connection_status import describe
from mlconnector.connectors.qbd.settings import PostingSettings, SettingsError, posting_settings_schema
from mlconnector.connectors.qbd.soap.routes import ServiceRegistry, make_routes
from mlconnector.connectors.qbd.writes.queue import PlanRejected, enqueue
from mlconnector.platform.documents import Document
from mlconnector.platform.plugins import (
    PLUGIN_API_VERSION,
    CheckResult,
    Hold,
    Outcome,
    Plan,
    SinkContext,
    SinkPlugin,
    utcnow,
)


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
        return planner.plan(document, settings, known)

    async def deliver(self, context: SinkContext, plan: Plan) -> Outcome:
        try:
            return await enqueue(context.session, context.tenant_id, plan, utcnow())
        except PlanRejected as error:
            return Outcome(status="failed", error=str(error))

    def routes(self) -> Sequence[Any]:
        return make_routes(self.registry)

    def cli(self) -> Sequence[click.Command]:
        from mlconnector.connectors.qbd.cli import qbwc

        return [qbwc]

    def migrations(self) -> Path | None:
        return Path(__file__).parent / "migrations"
