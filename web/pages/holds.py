"""Acting on documents that need a person: retry, skip, or map the SKU a hold names (then it posts again)."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect

from mlconnector.platform.db.engine import Database
from mlconnector.platform.errors import MlcError
from mlconnector.platform.plugins.discovery import PluginSet
from mlconnector.platform.sync import actions
from mlconnector.platform.sync.accounting_settings import set_accounting_settings
from mlconnector.platform.sync.item_mappings import set_item_mappings
from mlconnector.tenants.auth.guards import WRITE
from mlconnector.tenants.auth.principal import TenantAccess
from mlconnector.web.rendering import flash, form_text, safe_next, see_other, tenant_base, tenant_page

PAYMENT_HOLD = "unmapped_payment_method"
DONE = {"retry": "will be planned and posted again", "skip": "is skipped; it stays in the records and the audit trail"}


async def _act(request: Request[Any, Any, Any], access: TenantAccess, database: Database, action: str) -> Redirect:
    form = await request.form()
    key, back = (
        form_text(form, "key", 255),
        safe_next(form_text(form, "next", 2000), tenant_base(access.tenant_id) + "/"),
    )
    page = await tenant_page(database, access)
    try:
        async with database.session(access.tenant_id) as session:
            if action == "skip":
                row = await actions.skip(session, key, actor=page.actor, reason=form_text(form, "reason", 500))
            else:
                row = await actions.retry(session, key, actor=page.actor)
            label = row.number or row.key
    except MlcError as error:
        flash(request, "bad", f"{error} Reload the page to see where it stands now.")
        return see_other(back)
    flash(request, "ok", f"{label} {DONE[action]}.")
    return see_other(back)


@post("/t/{tenant_id:uuid}/actions/retry", guards=[WRITE])
async def retry(
    request: Request[Any, Any, Any],
    tenant_id: FromPath[uuid.UUID],
    access: NamedDependency[TenantAccess],
    database: NamedDependency[Database],
) -> Redirect:
    return await _act(request, access, database, "retry")


@post("/t/{tenant_id:uuid}/actions/skip", guards=[WRITE])
async def skip(
    request: Request[Any, Any, Any],
    tenant_id: FromPath[uuid.UUID],
    access: NamedDependency[TenantAccess],
    database: NamedDependency[Database],
) -> Redirect:
    return await _act(request, access, database, "skip")


@post("/t/{tenant_id:uuid}/actions/map-item", guards=[WRITE])
async def map_item(
    request: Request[Any, Any, Any],
    tenant_id: FromPath[uuid.UUID],
    access: NamedDependency[TenantAccess],
    database: NamedDependency[Database],
    plugins: NamedDependency[PluginSet],
) -> Redirect:
    """Map one SKU to a books item, in place; documents held for that SKU are planned again."""
    form = await request.form()
    sku, item = form_text(form, "sku", 64), form_text(form, "item", 159)
    back = safe_next(form_text(form, "next", 2000), tenant_base(tenant_id) + "/")
    page = await tenant_page(database, access)
    if not item:
        flash(request, "bad", f"Type the QuickBooks item for SKU {sku} (its full name, e.g. Bags:Duffle), then save.")
        return see_other(back)
    try:
        async with database.session(tenant_id) as session:
            report = await set_item_mappings(session, plugins, {sku: item}, actor=page.actor)
    except MlcError as error:
        flash(request, "bad", f"The mapping was not saved: {error}")
        return see_other(back)
    flash(request, "ok", f"SKU {sku} now posts to “{item}”; {report.released} held document(s) will post again.")
    return see_other(back)


@post("/t/{tenant_id:uuid}/actions/map-payment-method", guards=[WRITE])
async def map_payment_method(
    request: Request[Any, Any, Any],
    tenant_id: FromPath[uuid.UUID],
    access: NamedDependency[TenantAccess],
    database: NamedDependency[Database],
    plugins: NamedDependency[PluginSet],
) -> Redirect:
    """Map a store payment method to a books payment method, in place; payments held for it are planned again."""
    form = await request.form()
    code, name = form_text(form, "code", 64), form_text(form, "name", 100)
    back = safe_next(form_text(form, "next", 2000), tenant_base(tenant_id) + "/")
    page = await tenant_page(database, access)
    if not code or not name:
        flash(request, "bad", "Type the QuickBooks payment method (e.g. Credit Card), then save.")
        return see_other(back)
    try:
        async with database.session(tenant_id) as session:
            await set_accounting_settings(session, plugins, {"payment_methods": {code: name}}, actor=page.actor)
            released = await actions.retry_held(session, actor=page.actor, code=PAYMENT_HOLD, subject=code)
    except MlcError as error:
        flash(request, "bad", f"The mapping was not saved: {error}")
        return see_other(back)
    flash(request, "ok", f"Payment method {code} now posts as “{name}”; {released} held document(s) will post again.")
    return see_other(back)


ROUTES = [retry, skip, map_item, map_payment_method]
