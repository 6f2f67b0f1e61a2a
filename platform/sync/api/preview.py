"""``GET /api/tenants/{id}/sync/preview``: exactly what the next documents would post — planned, never sent."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter

from mlconnector.platform.db.engine import Database
from mlconnector.platform.errors import InvalidInput
from mlconnector.platform.plugins.discovery import PluginSet
from mlconnector.platform.sync.api.shapes import PreviewOut
from mlconnector.platform.sync.preview import preview
from mlconnector.tenants.auth.guards import READ
from mlconnector.tenants.auth.openapi import SIGNED_IN

MAX_PREVIEW = 50


class PreviewController(Controller):
    path = "/api/tenants/{tenant_id:uuid}/sync/preview"
    tags = ["sync"]
    security = SIGNED_IN
    guards = [READ]

    @get("/", summary="Plan the latest documents with the current settings, without sending anything")
    async def show(
        self,
        tenant_id: FromPath[uuid.UUID],
        database: NamedDependency[Database],
        plugins: NamedDependency[PluginSet],
        limit: Annotated[int, QueryParameter(description=f"1-{MAX_PREVIEW}")] = 10,
    ) -> list[PreviewOut]:
        if not 1 <= limit <= MAX_PREVIEW:
            raise InvalidInput(("limit", f"ask for 1 to {MAX_PREVIEW} documents."), status_code=400)
        async with database.open(tenant_id) as session:
            try:
                items = await preview(session, plugins, limit=limit)
            finally:
                await session.rollback()  # a preview never writes
        return [PreviewOut(**dataclasses.asdict(item)) for item in items]
