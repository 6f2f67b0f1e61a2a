"""``/api/tenants/{id}/sync/documents``: the documents list (filters, page, total) and one document with its
audit trail."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, QueryParameter

from mlconnector.platform.db.engine import Database
from mlconnector.platform.sync import document_list
from mlconnector.platform.sync.api.shapes import DocumentDetailOut, DocumentPageOut, document_detail_out, document_out
from mlconnector.tenants.auth.guards import READ
from mlconnector.tenants.auth.openapi import SIGNED_IN


class DocumentController(Controller):
    path = "/api/tenants/{tenant_id:uuid}/sync/documents"
    tags = ["sync"]
    security = SIGNED_IN
    guards = [READ]

    @get("/", summary="Documents, newest first; filter by state (repeatable), number and type; with the total")
    async def index(
        self,
        tenant_id: FromPath[uuid.UUID],
        database: NamedDependency[Database],
        states: Annotated[
            list[str] | None, QueryParameter(name="state", description="held, posted, … (repeat for several)")
        ] = None,
        number: Annotated[str | None, QueryParameter(description="Exact order, invoice or credit memo number")] = None,
        kind: Annotated[
            str | None, QueryParameter(name="type", description="invoice, credit_memo, payment, customer, order")
        ] = None,
        limit: Annotated[int, QueryParameter(description="1-200")] = 50,
        offset: FromQuery[int] = 0,
    ) -> DocumentPageOut:
        async with database.session(tenant_id) as session:
            page = await document_list.list_documents(
                session,
                states=tuple(states) if states else None,
                number=number.strip() if number else None,
                type_=kind,
                limit=limit,
                offset=offset,
            )
            return DocumentPageOut([document_out(row) for row in page.rows], page.total, limit, offset)

    @get("/{key:str}", summary="One document with its whole audit trail (raw requests and answers included)")
    async def show(
        self, tenant_id: FromPath[uuid.UUID], key: FromPath[str], database: NamedDependency[Database]
    ) -> DocumentDetailOut:
        async with database.session(tenant_id) as session:
            row, events = await document_list.document_with_trail(session, key)
            return document_detail_out(row, events)
