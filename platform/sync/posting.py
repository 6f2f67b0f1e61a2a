"""The ``sync.post`` job: plan one document with the tenant's sink and deliver it — or say why not."""

from __future__ import annotations

import uuid

import msgspec

from mlconnector.platform.bootstrap import current_plugins
from mlconnector.platform.errors import PluginError
from mlconnector.platform.jobs.context import JobContext
from mlconnector.platform.jobs.errors import PermanentJobError
from mlconnector.platform.plugins.base import SinkPlugin
from mlconnector.platform.plugins.calls import deliver_plan, plan_document
from mlconnector.platform.plugins.context import SinkContext
from mlconnector.platform.plugins.plan import Plan
from mlconnector.platform.settings import get_settings
from mlconnector.platform.sync import documents, planning_lock
from mlconnector.platform.sync.audit import record_audit
from mlconnector.platform.sync.connections import connected
from mlconnector.platform.sync.models import DocumentRow
from mlconnector.platform.sync.outcome import apply_outcome
from mlconnector.platform.sync.sink_settings import effective_settings


def plan_summary(plan: Plan) -> dict[str, object]:
    return {"operations": [msgspec.to_builtins(op) for op in plan.operations], "holds": [h.reason for h in plan.holds]}


async def _hold(context: JobContext, row: DocumentRow, code: str, reason: str, subject: str | None = None) -> None:
    await documents.set_state(
        context.session, row, documents.HELD, hold_code=code, hold_reason=reason, hold_subject=subject
    )
    await record_audit(
        context.session,
        action="held",
        document_key=row.key,
        number=row.number,
        order_number=row.order_number,
        detail={"holds": [reason]},
    )


async def sink_context(context: JobContext, sink: SinkPlugin, config: dict) -> SinkContext:
    return SinkContext(
        tenant_id=context.tenant_id,  # type: ignore[arg-type]
        config=config,
        session=context.session,
        database=context.database,
        public_base_url=get_settings().server.public_base_url,
        settings=await effective_settings(context.session, sink),
    )


async def post_document(context: JobContext) -> None:
    session = context.session
    await planning_lock.planning(session)  # before reading what a hold or a wait depends on
    row = await documents.get_document(session, document_id=uuid.UUID(context.payload["document_id"]))
    if row is None:
        raise PermanentJobError("the document no longer exists")
    force = bool(context.payload.get("force"))
    if row.revision != context.payload.get("revision") or (
        row.state in documents.FINAL | {documents.QUEUED} and not force
    ):
        return  # superseded by a newer revision, or already settled: nothing to do
    plugins = current_plugins()
    connection = await connected(session, plugins, row.tenant_id, "sink")
    if connection is None:
        await _hold(
            context, row, "no_sink", "No books are connected yet. Connect QuickBooks Desktop to post this document."
        )
        return
    sink = plugins.get(connection.plugin)
    if not isinstance(sink, SinkPlugin):
        raise PermanentJobError(f"plugin {connection.plugin!r} is not a sink")
    if row.type not in sink.accepts:
        await documents.set_state(session, row, documents.INFORMATIONAL, sink=sink.name)
        return
    document = documents.canonical(row)
    prerequisite = documents.prerequisite_key(document)
    if prerequisite is not None:
        parent = await documents.get_document(session, key=prerequisite, lock=True)
        if parent is None or parent.state != documents.POSTED:
            await documents.set_state(session, row, documents.WAITING, waiting_on=prerequisite, sink=sink.name)
            await record_audit(
                session,
                action="waiting",
                document_key=row.key,
                number=row.number,
                order_number=row.order_number,
                detail={"waiting_on": prerequisite},
            )
            return
    sink_ctx = await sink_context(context, sink, await connection.config(session))
    try:
        plan = await plan_document(sink, sink_ctx, document)
    except PluginError as error:
        await _hold(context, row, "plugin_error", str(error))
        return
    await record_audit(
        session,
        action="planned",
        document_key=row.key,
        number=row.number,
        order_number=row.order_number,
        detail=plan_summary(plan),
        request="\n".join(op.request for op in plan.operations if op.request) or None,
    )
    if plan.held:
        first = plan.holds[0]
        await documents.set_state(
            session,
            row,
            documents.HELD,
            hold_code=first.code,
            hold_reason=first.reason,
            hold_subject=first.subject,
            sink=sink.name,
        )
        await record_audit(
            session,
            action="held",
            document_key=row.key,
            number=row.number,
            order_number=row.order_number,
            detail={"holds": [h.reason for h in plan.holds]},
        )
        return
    outcome = await deliver_plan(sink, sink_ctx, plan)
    row.sink = sink.name  # set here, not before the statements above, so it reaches the database with the state
    await apply_outcome(session, row, outcome)
