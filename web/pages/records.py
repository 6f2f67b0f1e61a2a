"""Looking things up: the documents list (paged on the indexes), the audit trail by order number, and the daily
variance report."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from mlconnector.platform.db.engine import Database
from mlconnector.platform.sync import documents
from mlconnector.platform.sync.audit import search_audit
from mlconnector.platform.sync.document_list import list_documents
from mlconnector.platform.sync.variance import daily_variance
from mlconnector.tenants.auth.guards import READ
from mlconnector.tenants.auth.principal import TenantAccess
from mlconnector.web.rendering import query_text, render, tenant_page

PAGE_SIZE = 50
MAX_PAGE = 2000
AUDIT_LIMIT = 500


def _page_number(raw: str | None) -> int:
    try:
        return min(max(1, int(raw or "1")), MAX_PAGE)
    except ValueError:
        return 1


@get("/t/{tenant_id:uuid}/documents", guards=[READ])
async def documents_page(
    request: Request[Any, Any, Any],
    tenant_id: FromPath[uuid.UUID],
    access: NamedDependency[TenantAccess],
    database: NamedDependency[Database],
) -> Template:
    page = await tenant_page(database, access)
    state = request.query_params.get("state", "")
    state = state if state in documents.STATES else ""
    number = query_text(request, "number")
    current = _page_number(request.query_params.get("page"))
    async with database.session(tenant_id) as session:
        found = await list_documents(
            session,
            states=(state,) if state else None,
            number=number or None,
            limit=PAGE_SIZE,
            offset=(current - 1) * PAGE_SIZE,
        )
    pages = max(1, -(-found.total // PAGE_SIZE))
    return render(
        request,
        "documents.html",
        page=page,
        title="Documents",
        active="documents",
        rows=found.rows,
        total=found.total,
        state=state,
        number=number,
        states=documents.STATES,
        current=current,
        pages=pages,
    )


@get("/t/{tenant_id:uuid}/audit", guards=[READ])
async def audit_page(
    request: Request[Any, Any, Any],
    tenant_id: FromPath[uuid.UUID],
    access: NamedDependency[TenantAccess],
    database: NamedDependency[Database],
) -> Template:
    page = await tenant_page(database, access)
    number = query_text(request, "number")
    events = []
    if number:
        async with database.session(tenant_id) as session:
            events = await search_audit(session, number=number, limit=AUDIT_LIMIT)
    return render(request, "audit.html", page=page, title="Audit trail", active="audit", number=number, events=events)


def _day(raw: str | None) -> date:
    try:
        return date.fromisoformat(raw) if raw else datetime.now(UTC).date()
    except ValueError:
        return datetime.now(UTC).date()


@get("/t/{tenant_id:uuid}/variance", guards=[READ])
async def variance_page(
    request: Request[Any, Any, Any],
    tenant_id: FromPath[uuid.UUID],
    access: NamedDependency[TenantAccess],
    database: NamedDependency[Database],
) -> Template:
    page = await tenant_page(database, access)
    day = _day(request.query_params.get("day"))
    async with database.session(tenant_id) as session:
        report = await daily_variance(session, day)
    return render(
        request,
        "variance.html",
        page=page,
        title="Daily variance",
        active="variance",
        variance=report,
        day=day,
        previous=day - timedelta(days=1),
        following=day + timedelta(days=1),
    )


ROUTES = [documents_page, audit_page, variance_page]
