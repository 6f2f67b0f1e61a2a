"""``GET /api/tenants/{id}/sync/status``: the engine at a glance (documents by state, queue, last read, pause)."""

from __future__ import annotations

import uuid

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath

from mlconnector.platform.db.engine import Database
from mlconnector.platform.db.types import utcnow
from mlconnector.platform.sync.api.shapes import CursorOut, StatusOut
from mlconnector.platform.sync.status import tenant_status
from mlconnector.platform.sync.sync_settings import get_sync_settings
from mlconnector.tenants.auth.guards import READ
from mlconnector.tenants.auth.openapi import SIGNED_IN


class SyncStatusController(Controller):
    path = "/api/tenants/{tenant_id:uuid}/sync/status"
    tags = ["sync"]
    security = SIGNED_IN
    guards = [READ]

    @get("/", summary="Documents by state, queue depth, the last store read and whether sync is paused now")
    async def show(self, tenant_id: FromPath[uuid.UUID], database: NamedDependency[Database]) -> StatusOut:
        async with database.session(tenant_id) as session:
            status = await tenant_status(session)
            rhythm = await get_sync_settings(session)
        paused_until = rhythm.paused_until(utcnow())
        return StatusOut(
            documents=status["documents"],
            queue_depth=status["queue_depth"],
            last_read_at=status["last_read_at"],
            cursors=[
                CursorOut(c["source"], c["stream"], c["records_read"], c["updated_at"]) for c in status["cursors"]
            ],
            paused_until=paused_until,
            pause_message=rhythm.pause_message() if paused_until else None,
        )
