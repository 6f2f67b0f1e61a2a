"""The ``sandbox`` hook of the QuickBooks Desktop sink: simulated books and a Web Connector on a schedule."""

from __future__ import annotations

from mlconnector.connectors.qbd import admin
from mlconnector.connectors.qbd.models import SandboxBooks
from mlconnector.connectors.qbd.sandbox.books import SETTINGS, stock_for
from mlconnector.connectors.qbd.sandbox.cycle import CYCLE_JOB, PASSWORD_PURPOSE
from mlconnector.platform.plugins import SandboxContext, SandboxJob, SandboxPart, seal_value, utcnow


def sandbox_username(context: SandboxContext) -> str:
    return f"sandbox-{context.tenant_id.hex[:20]}"


async def sandbox_part(context: SandboxContext) -> SandboxPart:
    """Stock the file from the store's ``skus`` and ``unmapped_skus`` facts, give the simulated Web Connector a
    password only it knows (sealed), ask for QuickBooks' lists at its first contact, and run it every cycle."""
    username = sandbox_username(context)
    _, password = await admin.rotate_password(context.database, context.tenant_id, username)
    async with context.database.session(context.tenant_id) as session:
        sealed = await seal_value(session, PASSWORD_PURPOSE, password)
        session.add(
            SandboxBooks(
                tenant_id=context.tenant_id,
                stock=stock_for(context.facts),
                sealed_password=sealed,
                cycles=0,
                created_at=utcnow(),
            )
        )
    await admin.request_list_refresh(context.database, context.tenant_id)
    return SandboxPart(
        config={"username": username},
        settings=SETTINGS,
        jobs=(SandboxJob(CYCLE_JOB, context.cycle_seconds),),
    )
