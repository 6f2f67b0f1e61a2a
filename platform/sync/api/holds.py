"""``GET /api/tenants/{id}/sync/holds``: documents that need a person, each with the reason and what to fix."""

from __future__ import annotations

import uuid

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery

from mlconnector.platform.db.engine import Database
from mlconnector.platform.sync import document_list
from mlconnector.platform.sync.api.shapes import DocumentPageOut, document_out
from mlconnector.tenants.auth.guards import READ
from mlconnector.tenants.auth.openapi import SIGNED_IN


class HoldController(Controller):
    path = "/api/tenants/{tenant_id:uuid}/sync/holds"
    tags = ["sync"]
    security = SIGNED_IN
    guards = [READ]

    @get("/", summary="Held and failed documents, most recently changed first, with reasons")
    async def index(
        self,
        tenant_id: FromPath[uuid.UUID],
        database: NamedDependency[Database],
        limit: FromQuery[int] = 50,
        offset: FromQuery[int] = 0,
    ) -> DocumentPageOut:
        async with database.session(tenant_id) as session:
            page = await document_list.list_holds(session, limit=limit, offset=offset)
            return DocumentPageOut([document_out(row) for row in page.rows], page.total, limit, offset)
