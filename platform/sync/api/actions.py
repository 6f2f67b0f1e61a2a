"""``POST /api/tenants/{id}/sync/documents/{key}/retry|skip|replan``: a person acting on a document (write
scope). Each action is in the document's audit trail with who did it."""

from __future__ import annotations

from litestar import Controller, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK

from mlconnector.platform.db.engine import Database
from mlconnector.platform.sync import actions
from mlconnector.platform.sync.api.shapes import DocumentOut, SkipIn, actor_of, document_out
from mlconnector.tenants.auth.guards import WRITE
from mlconnector.tenants.auth.openapi import SIGNED_IN
from mlconnector.tenants.auth.principal import TenantAccess


class DocumentActionController(Controller):
    path = "/api/tenants/{tenant_id:uuid}/sync/documents/{key:str}"
    tags = ["sync"]
    security = SIGNED_IN
    guards = [WRITE]

    @post("/retry", status_code=HTTP_200_OK, summary="Plan and post a held, failed, waiting or pending document again")
    async def retry(
        self, key: FromPath[str], access: NamedDependency[TenantAccess], database: NamedDependency[Database]
    ) -> DocumentOut:
        async with database.session(access.tenant_id) as session:
            return document_out(await actions.retry(session, key, actor=actor_of(access)))

    @post("/skip", status_code=HTTP_200_OK, summary="Decide not to post a document (kept, marked skipped)")
    async def skip(
        self,
        key: FromPath[str],
        access: NamedDependency[TenantAccess],
        database: NamedDependency[Database],
        data: JSONBody[SkipIn | None] = None,
    ) -> DocumentOut:
        reason = data.reason if data else ""
        async with database.session(access.tenant_id) as session:
            return document_out(await actions.skip(session, key, actor=actor_of(access), reason=reason[:500]))

    @post("/replan", status_code=HTTP_200_OK, summary="Plan a document that has not been posted again")
    async def replan(
        self, key: FromPath[str], access: NamedDependency[TenantAccess], database: NamedDependency[Database]
    ) -> DocumentOut:
        async with database.session(access.tenant_id) as session:
            return document_out(await actions.replan(session, key, actor=actor_of(access)))
