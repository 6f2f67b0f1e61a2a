"""Settings: API tokens for scripts and partners (owners only; each token is shown once)."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from mlconnector.platform.db.engine import Database
from mlconnector.platform.errors import MlcError
from mlconnector.tenants.auth.guards import OWNER
from mlconnector.tenants.auth.principal import TenantAccess
from mlconnector.tenants.services import api_tokens
from mlconnector.web.rendering import flash, form_text, form_uuid, render, see_other, tenant_base, tenant_page

TOKEN_SCOPES = ("read", "write")


async def _tokens_page(
    request: Request[Any, Any, Any], access: TenantAccess, database: Database, *, new_token: str | None = None
) -> Template:
    page = await tenant_page(database, access)
    response = render(
        request,
        "settings/tokens.html",
        page=page,
        title="API tokens",
        active="settings",
        tokens=await api_tokens.active(database, access.tenant_id),
        scopes=TOKEN_SCOPES,
        new_token=new_token,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@get("/t/{tenant_id:uuid}/settings/tokens", guards=[OWNER])
async def tokens_page(
    request: Request[Any, Any, Any],
    tenant_id: FromPath[uuid.UUID],
    access: NamedDependency[TenantAccess],
    database: NamedDependency[Database],
) -> Template:
    return await _tokens_page(request, access, database)


@post("/t/{tenant_id:uuid}/settings/tokens", guards=[OWNER])
async def create_token(
    request: Request[Any, Any, Any],
    tenant_id: FromPath[uuid.UUID],
    access: NamedDependency[TenantAccess],
    database: NamedDependency[Database],
) -> Template | Redirect:
    """A new token, shown on this response only (only its digest is stored)."""
    form = await request.form()
    try:
        _, token = await api_tokens.create(
            database,
            tenant_id,
            name=form_text(form, "name", 100),
            scope=form_text(form, "scope", 16),
            created_by=access.principal.user_id,
        )
    except MlcError as error:
        flash(request, "bad", f"No token was created: {error}")
        return see_other(f"{tenant_base(tenant_id)}/settings/tokens")
    return await _tokens_page(request, access, database, new_token=token)


@post("/t/{tenant_id:uuid}/settings/tokens/revoke", guards=[OWNER])
async def revoke_token(
    request: Request[Any, Any, Any], tenant_id: FromPath[uuid.UUID], database: NamedDependency[Database]
) -> Redirect:
    token_id = form_uuid(await request.form(), "id")
    try:
        if token_id is None:
            raise MlcError("That token is not known here; reload the page.")
        await api_tokens.revoke(database, tenant_id, token_id)
    except MlcError as error:
        flash(request, "bad", str(error))
    else:
        flash(request, "ok", "The token was revoked; scripts using it are refused from now on.")
    return see_other(f"{tenant_base(tenant_id)}/settings/tokens")


ROUTES = [tokens_page, create_token, revoke_token]
