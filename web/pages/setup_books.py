"""The setup wizard's later steps: SKU → item mapping (suggestions, search, CSV), accounting settings, the
preview of the next documents exactly as they would post, and going live."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from mlconnector.platform.db.engine import Database
from mlconnector.platform.errors import MlcError
from mlconnector.platform.jobs.queue import enqueue
from mlconnector.platform.plugins.base import NotSupported
from mlconnector.platform.plugins.calls import read_catalog, supports
from mlconnector.platform.plugins.discovery import PluginSet
from mlconnector.platform.settings import Settings
from mlconnector.platform.sync.accounting_settings import get_accounting_settings, set_accounting_settings
from mlconnector.platform.sync.document_list import list_holds
from mlconnector.platform.sync.item_mappings import (
    SKU_HOLDS,
    export_item_csv,
    get_item_mappings,
    import_item_csv,
    set_item_mappings,
)
from mlconnector.platform.sync.preview import preview
from mlconnector.platform.sync.reading import READ_JOB
from mlconnector.tenants.auth.guards import READ, WRITE
from mlconnector.tenants.auth.principal import TenantAccess
from mlconnector.web import books
from mlconnector.web.pages.auth import problems_of
from mlconnector.web.pages.setup_connect import wizard
from mlconnector.web.rendering import flash, form_text, query_text, safe_next, see_other, tenant_base, tenant_page
from mlconnector.web.schema_forms import config_from_form, form_fields
from mlconnector.web.setup_state import setup_state

MAX_CSV_BYTES = 5 * 1024 * 1024
MAPPINGS_SHOWN = 200
PREVIEW_LIMIT = 10
ACCOUNTING_SKIP = ("items",)


@get("/t/{tenant_id:uuid}/setup/items", guards=[READ])
async def items_page(
    request: Request[Any, Any, Any],
    tenant_id: FromPath[uuid.UUID],
    access: NamedDependency[TenantAccess],
    database: NamedDependency[Database],
    plugins: NamedDependency[PluginSet],
    settings: NamedDependency[Settings],
) -> Template:
    page = await tenant_page(database, access)
    state = await setup_state(database, plugins, tenant_id)
    search = query_text(request, "q")
    mappings: dict[str, str] = {}
    problem = None
    async with database.session(tenant_id) as session:
        try:
            mappings = await get_item_mappings(session, plugins)
        except MlcError as error:
            problem = str(error)
        holds = await list_holds(session, limit=200)
    skus = sorted({row.hold_subject for row in holds.rows if row.hold_code in SKU_HOLDS and row.hold_subject})
    sink = await books.connection_of(database, plugins, tenant_id, "sink")
    names = await books.item_names(database, plugins, settings, tenant_id, sink)
    found = {sku: item for sku, item in mappings.items() if not search or search.lower() in f"{sku} {item}".lower()}
    return wizard(
        request,
        page,
        state,
        "items",
        problem=problem,
        search=search,
        mappings=dict(list(found.items())[:MAPPINGS_SHOWN]),
        total=len(mappings),
        matching=len(found),
        unmapped=[(sku, books.suggestions(sku, names)) for sku in skus],
        item_names=names,
    )


@post("/t/{tenant_id:uuid}/setup/items", guards=[WRITE])
async def items_save(
    request: Request[Any, Any, Any],
    tenant_id: FromPath[uuid.UUID],
    access: NamedDependency[TenantAccess],
    database: NamedDependency[Database],
    plugins: NamedDependency[PluginSet],
) -> Redirect:
    """One SKU → item mapping (an empty item removes it)."""
    form = await request.form()
    sku, item = form_text(form, "sku", 64), form_text(form, "item", 159)
    page = await tenant_page(database, access)
    try:
        async with database.session(tenant_id) as session:
            report = await set_item_mappings(session, plugins, {sku: item or None}, actor=page.actor)
    except MlcError as error:
        flash(request, "bad", f"The mapping was not saved: {error} Fix it and save again.")
    else:
        done = f"SKU {sku} now posts to “{item}”" if item else f"SKU {sku} is no longer mapped"
        flash(request, "ok", f"{done}; {report.released} held document(s) will post again.")
    return see_other(f"{tenant_base(tenant_id)}/setup/items")


@post("/t/{tenant_id:uuid}/setup/items/csv", guards=[WRITE])
async def items_upload(
    request: Request[Any, Any, Any],
    tenant_id: FromPath[uuid.UUID],
    access: NamedDependency[TenantAccess],
    database: NamedDependency[Database],
    plugins: NamedDependency[PluginSet],
) -> Redirect:
    """A CSV of ``sku,item`` lines: all or nothing, each bad line named."""
    form = await request.form()
    upload = form.get("file")
    back = f"{tenant_base(tenant_id)}/setup/items"
    if upload is None or isinstance(upload, str):
        flash(request, "bad", "Choose a CSV file (sku,item on the first line), then upload it.")
        return see_other(back)
    raw = await upload.read(MAX_CSV_BYTES + 1)
    if len(raw) > MAX_CSV_BYTES:
        flash(request, "bad", "The file is larger than 5 MB; split it and upload the parts one by one.")
        return see_other(back)
    page = await tenant_page(database, access)
    try:
        text = raw.decode("utf-8")
        async with database.session(tenant_id) as session:
            report = await import_item_csv(
                session, plugins, text, actor=page.actor, replace=form_text(form, "replace", 3) == "on"
            )
    except UnicodeDecodeError:
        flash(request, "bad", "The file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again.")
    except MlcError as error:
        flash(request, "bad", f"Nothing was imported: {error} Fix these lines and upload the file again.")
    else:
        flash(
            request,
            "ok",
            f"Imported: {report.added} added, {report.changed} changed, {report.unchanged} unchanged; "
            f"{report.released} held document(s) will post again.",
        )
    return see_other(back)


@get("/t/{tenant_id:uuid}/setup/items.csv", guards=[READ])
async def items_download(
    tenant_id: FromPath[uuid.UUID], database: NamedDependency[Database], plugins: NamedDependency[PluginSet]
) -> Response[str]:
    async with database.session(tenant_id) as session:
        text = await export_item_csv(session, plugins)
    return Response(
        text, media_type="text/csv", headers={"Content-Disposition": 'attachment; filename="sku-items.csv"'}
    )


@post("/t/{tenant_id:uuid}/setup/items/refresh", guards=[WRITE])
async def items_refresh(
    request: Request[Any, Any, Any],
    tenant_id: FromPath[uuid.UUID],
    database: NamedDependency[Database],
    plugins: NamedDependency[PluginSet],
    settings: NamedDependency[Settings],
) -> Redirect:
    """Ask the books for a fresh item list (QuickBooks sends it at the Web Connector's next contact)."""
    sink = await books.connection_of(database, plugins, tenant_id, "sink")
    plugin = books.sink_plugin(plugins, sink)
    if plugin is None or sink is None or not supports(plugin, "catalog"):
        flash(request, "bad", "Connect QuickBooks first; its item list arrives with the Web Connector's contact.")
    else:
        try:
            await read_catalog(plugin, books.context_for(tenant_id, sink, database, settings), "items", refresh=True)
        except (NotSupported, MlcError, ValueError) as error:
            flash(request, "bad", f"The item list could not be requested: {error}")
        else:
            flash(request, "ok", "QuickBooks will send its item list at the Web Connector's next contact.")
    return see_other(f"{tenant_base(tenant_id)}/setup/items")


async def accounting_page(
    request: Request[Any, Any, Any],
    access: TenantAccess,
    database: Database,
    plugins: PluginSet,
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    page = await tenant_page(database, access)
    state = await setup_state(database, plugins, access.tenant_id)
    sink = books.sink_plugin(plugins, await books.connection_of(database, plugins, access.tenant_id, "sink"))
    fields = []
    if sink is not None:
        async with database.session(access.tenant_id) as session:
            current = await get_accounting_settings(session, plugins)
        fields = form_fields(sink.settings_schema, current, skip=ACCOUNTING_SKIP)
    where = "settings" if request.url.path.endswith("/settings/accounting") else "setup"
    return wizard(
        request, page, state, "accounting", fields=fields, errors=errors or {}, where=where, status_code=status_code
    )


@get("/t/{tenant_id:uuid}/setup/accounting", guards=[READ])
async def accounting_form(
    request: Request[Any, Any, Any],
    tenant_id: FromPath[uuid.UUID],
    access: NamedDependency[TenantAccess],
    database: NamedDependency[Database],
    plugins: NamedDependency[PluginSet],
) -> Template:
    return await accounting_page(request, access, database, plugins)


@post("/t/{tenant_id:uuid}/setup/accounting", guards=[WRITE])
async def accounting_save(
    request: Request[Any, Any, Any],
    tenant_id: FromPath[uuid.UUID],
    access: NamedDependency[TenantAccess],
    database: NamedDependency[Database],
    plugins: NamedDependency[PluginSet],
) -> Template | Redirect:
    form = await request.form()
    sink = books.sink_plugin(plugins, await books.connection_of(database, plugins, tenant_id, "sink"))
    if sink is None:
        flash(request, "bad", "Connect QuickBooks first (step 2); these settings belong to it.")
        return see_other(f"{tenant_base(tenant_id)}/setup/books")
    page = await tenant_page(database, access)
    try:
        changes = config_from_form(sink.settings_schema, form, skip=ACCOUNTING_SKIP)
        async with database.session(tenant_id) as session:
            await set_accounting_settings(session, plugins, changes, actor=page.actor)
    except MlcError as error:
        return await accounting_page(request, access, database, plugins, errors=problems_of(error), status_code=400)
    flash(request, "ok", "Accounting settings saved. Held documents are planned with them from now on.")
    return see_other(safe_next(form_text(form, "next", 200), f"{tenant_base(tenant_id)}/setup/preview"))


@get("/t/{tenant_id:uuid}/setup/preview", guards=[READ])
async def preview_page(
    request: Request[Any, Any, Any],
    tenant_id: FromPath[uuid.UUID],
    access: NamedDependency[TenantAccess],
    database: NamedDependency[Database],
    plugins: NamedDependency[PluginSet],
) -> Template:
    """The next documents planned with the current settings, nothing sent (the transaction is rolled back)."""
    page = await tenant_page(database, access)
    state = await setup_state(database, plugins, tenant_id)
    async with database.open(tenant_id) as session:
        items = await preview(session, plugins, limit=PREVIEW_LIMIT)
        await session.rollback()
    return wizard(request, page, state, "preview", items=[dataclasses.asdict(item) for item in items])


@get("/t/{tenant_id:uuid}/setup/live", guards=[READ])
async def live_page(
    request: Request[Any, Any, Any],
    tenant_id: FromPath[uuid.UUID],
    access: NamedDependency[TenantAccess],
    database: NamedDependency[Database],
    plugins: NamedDependency[PluginSet],
) -> Template:
    page = await tenant_page(database, access)
    state = await setup_state(database, plugins, tenant_id)
    return wizard(request, page, state, "live")


@post("/t/{tenant_id:uuid}/setup/live", guards=[WRITE])
async def go_live(
    request: Request[Any, Any, Any],
    tenant_id: FromPath[uuid.UUID],
    database: NamedDependency[Database],
    plugins: NamedDependency[PluginSet],
) -> Redirect:
    """Read the store now (reads then repeat on the schedule) and open the dashboard."""
    state = await setup_state(database, plugins, tenant_id)
    if not state.done["store"]:
        flash(request, "bad", "Connect your store first (step 1); there is nothing to read yet.")
        return see_other(f"{tenant_base(tenant_id)}/setup/store")
    async with database.session(tenant_id) as session:
        await enqueue(session, READ_JOB, payload={})
    flash(request, "ok", "You are live: your store is being read now, and new orders flow into QuickBooks.")
    return see_other(f"{tenant_base(tenant_id)}/")


ROUTES = [
    items_page,
    items_save,
    items_upload,
    items_download,
    items_refresh,
    accounting_form,
    accounting_save,
    preview_page,
    live_page,
    go_live,
]
