"""Rendering a page: the template plus what every page shows (who is signed in, the tenant, one-time notices)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from litestar import Request
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from mlconnector.platform.db.engine import Database
from mlconnector.tenants.auth.principal import TenantAccess
from mlconnector.tenants.models import Tenant
from mlconnector.tenants.services import memberships

FLASH_KEY = "flashes"


@dataclass(frozen=True, slots=True)
class TenantPage:
    """The tenant a page is about, as the guard admitted the caller."""

    tenant: Tenant
    access: TenantAccess

    @property
    def base(self) -> str:
        return tenant_base(self.tenant.id)

    @property
    def actor(self) -> str:
        principal = self.access.principal
        return f"user:{principal.user_id}" if principal.user_id else f"token:{principal.token.token_id}"  # type: ignore[union-attr]

    @property
    def is_owner(self) -> bool:
        return self.access.role == "owner"


def tenant_base(tenant_id: uuid.UUID) -> str:
    """Every page of a tenant lives under ``/t/<tenant id>``."""
    return f"/t/{tenant_id}"


async def tenant_page(database: Database, access: TenantAccess) -> TenantPage:
    return TenantPage(await memberships.tenant(database, access.tenant_id), access)


def flash(request: Request[Any, Any, Any], kind: str, message: str) -> None:
    """A notice shown once on the next page (``ok``, ``warn`` or ``bad``)."""
    request.session[FLASH_KEY] = [*request.session.get(FLASH_KEY, []), [kind, message]]


def _take_flashes(request: Request[Any, Any, Any]) -> list[list[str]]:
    session = request.scope.get("session")
    if not isinstance(session, dict) or FLASH_KEY not in session:
        return []
    return list(session.pop(FLASH_KEY))


def render(
    request: Request[Any, Any, Any],
    template: str,
    *,
    page: TenantPage | None = None,
    status_code: int = 200,
    **context: Any,
) -> Template:
    principal = request.scope.get("state", {}).get("mlc.principal")
    context.setdefault("flashes", [])
    context["flashes"] = _take_flashes(request) + context["flashes"]
    context.update(
        user=getattr(principal, "email", None) if principal else None,
        tenant=page.tenant if page else None,
        base=page.base if page else "",
        is_owner=page.is_owner if page else False,
    )
    return Template(template_name=template, context=context, status_code=status_code)


def safe_next(target: str | None, default: str) -> str:
    """Only a path on this site (never ``//host`` or a scheme), so a link cannot send someone elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


def see_other(target: str) -> Redirect:
    return Redirect(target, status_code=HTTP_303_SEE_OTHER)


def clean_text(value: object, limit: int) -> str:
    """Typed text as a person meant it: trimmed, capped, without control characters (which PostgreSQL refuses)."""
    if not isinstance(value, str):
        return ""
    return "".join(ch for ch in value if ch >= " " or ch == "\t").strip()[:limit]


def form_text(form: Any, name: str, limit: int = 1000) -> str:
    return clean_text(form.get(name), limit)


def query_text(request: Request[Any, Any, Any], name: str, limit: int = 64) -> str:
    return clean_text(request.query_params.get(name, ""), limit)


def form_uuid(form: Any, name: str) -> uuid.UUID | None:
    """An id a form sent back, or ``None`` when it is not one (a tampered or stale page)."""
    try:
        return uuid.UUID(form_text(form, name, 40))
    except ValueError:
        return None
