"""The setup wizard's first steps: connect the store (with Test connection), connect QuickBooks (the Web Connector
password, shown once, and the .qwc file), and wait for the Web Connector's first contact."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from mlconnector.platform.db.engine import Database
from mlconnector.platform.errors import MlcError
from mlconnector.platform.plugins.base import NotSupported, Plugin
from mlconnector.platform.plugins.calls import download_client_file, issue_credentials, supports
from mlconnector.platform.plugins.discovery import PluginSet
from mlconnector.platform.settings import Settings
from mlconnector.platform.vault.keyring import Keyring
from mlconnector.tenants.auth.guards import READ, WRITE
from mlconnector.tenants.auth.principal import TenantAccess
from mlconnector.tenants.services import connections
from mlconnector.web import books
from mlconnector.web.pages.auth import problems_of
from mlconnector.web.rendering import TenantPage, flash, form_text, render, see_other, tenant_base, tenant_page
from mlconnector.web.schema_forms import config_from_form, form_fields
from mlconnector.web.setup_state import STEPS, SetupState, setup_state

PREFERRED_SOURCE = "commerce"


def plugins_of(plugins: PluginSet, kind: str) -> list[Plugin]:
    return [plugin for plugin in plugins if plugin.kind == kind]


def source_plugin(plugins: PluginSet, state: SetupState, asked: str | None) -> Plugin | None:
    """The connected source, else the one asked for, else Adobe Commerce when installed, else the first."""
    sources = plugins_of(plugins, "source")
    by_name = {plugin.name: plugin for plugin in sources}
    for name in (state.source.plugin if state.source else None, asked, PREFERRED_SOURCE):
        if name in by_name:
            return by_name[name]
    return sources[0] if sources else None


def sink_plugin(plugins: PluginSet, state: SetupState) -> Plugin | None:
    sinks = {plugin.name: plugin for plugin in plugins_of(plugins, "sink")}
    if state.sink is not None and state.sink.plugin in sinks:
        return sinks[state.sink.plugin]
    return next((plugin for plugin in sinks.values() if supports(plugin, "credentials")), None)


def wizard(request: Request[Any, Any, Any], page: TenantPage, state: SetupState, step: str, **context: Any) -> Template:
    return render(
        request,
        f"setup/{step}.html",
        page=page,
        title=dict(STEPS)[step],
        active="setup",
        steps=STEPS,
        step=step,
        state=state,
        status_code=context.pop("status_code", 200),
        **context,
    )


@get("/t/{tenant_id:uuid}/setup", guards=[READ])
async def setup_start(
    tenant_id: FromPath[uuid.UUID], database: NamedDependency[Database], plugins: NamedDependency[PluginSet]
) -> Redirect:
    """Resume where the setup stopped: the first step not done yet."""
    state = await setup_state(database, plugins, tenant_id)
    return see_other(f"{tenant_base(tenant_id)}/setup/{state.first_open_step()}")


async def _store_page(
    request: Request[Any, Any, Any],
    access: TenantAccess,
    database: Database,
    plugins: PluginSet,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    page = await tenant_page(database, access)
    state = await setup_state(database, plugins, access.tenant_id)
    plugin = source_plugin(plugins, state, request.query_params.get("plugin"))
    current = dict(state.source.config) if state.source else {}
    fields = form_fields(plugin.config_schema, {**current, **(values or {})}) if plugin else []
    return wizard(
        request,
        page,
        state,
        "store",
        plugin=plugin,
        sources=plugins_of(plugins, "source"),
        fields=fields,
        errors=errors or {},
        status_code=status_code,
    )


@get("/t/{tenant_id:uuid}/setup/store", guards=[READ])
async def store_form(
    request: Request[Any, Any, Any],
    tenant_id: FromPath[uuid.UUID],
    access: NamedDependency[TenantAccess],
    database: NamedDependency[Database],
    plugins: NamedDependency[PluginSet],
) -> Template:
    return await _store_page(request, access, database, plugins)


@post("/t/{tenant_id:uuid}/setup/store", guards=[WRITE])
async def store_save(
    request: Request[Any, Any, Any],
    tenant_id: FromPath[uuid.UUID],
    access: NamedDependency[TenantAccess],
    database: NamedDependency[Database],
    plugins: NamedDependency[PluginSet],
    keyring: NamedDependency[Keyring],
) -> Template | Redirect:
    form = await request.form()
    name = form_text(form, "plugin", 40)
    plugin = next((p for p in plugins_of(plugins, "source") if p.name == name), None)
    if plugin is None:
        flash(request, "bad", "Choose the kind of store to connect, then save again.")
        return see_other(f"{tenant_base(tenant_id)}/setup/store")
    try:
        config = config_from_form(plugin.config_schema, form)
        await connections.set_connection(database, keyring, plugins, tenant_id, plugin.name, config)
    except MlcError as error:
        public = {key: value for key, value in form.items() if key in plugin.config_schema.get("properties", {})}
        public = {
            key: value for key, value in public.items() if not plugin.config_schema["properties"][key].get("secret")
        }
        return await _store_page(
            request, access, database, plugins, values=public, errors=problems_of(error), status_code=400
        )
    flash(request, "ok", f"{plugin.title} settings saved. Use “Test connection” to check them now.")
    return see_other(f"{tenant_base(tenant_id)}/setup/store")


@post("/t/{tenant_id:uuid}/setup/test", guards=[WRITE])
async def test_connection(
    request: Request[Any, Any, Any],
    tenant_id: FromPath[uuid.UUID],
    database: NamedDependency[Database],
    plugins: NamedDependency[PluginSet],
    keyring: NamedDependency[Keyring],
) -> Redirect:
    """Test connection: the plugin's check with the stored settings; the answer says what to do."""
    form = await request.form()
    name, back = form_text(form, "plugin", 40), form_text(form, "next", 200)
    try:
        done = await connections.ping(database, keyring, plugins, tenant_id, name)
    except MlcError as error:
        flash(request, "bad", str(error))
    else:
        flash(request, "ok" if done.result.ok else "bad", done.result.message)
    return see_other(back if back.startswith(tenant_base(tenant_id)) else f"{tenant_base(tenant_id)}/setup/store")


@get("/t/{tenant_id:uuid}/setup/books", guards=[READ])
async def books_form(
    request: Request[Any, Any, Any],
    tenant_id: FromPath[uuid.UUID],
    access: NamedDependency[TenantAccess],
    database: NamedDependency[Database],
    plugins: NamedDependency[PluginSet],
) -> Template:
    page = await tenant_page(database, access)
    state = await setup_state(database, plugins, tenant_id)
    username = str(state.sink.config.get("username", "")) if state.sink else f"mlc-{page.tenant.slug}"[:63]
    return wizard(request, page, state, "books", plugin=sink_plugin(plugins, state), username=username, issued=None)


@post("/t/{tenant_id:uuid}/setup/books", guards=[WRITE])
async def books_save(
    request: Request[Any, Any, Any],
    tenant_id: FromPath[uuid.UUID],
    access: NamedDependency[TenantAccess],
    database: NamedDependency[Database],
    plugins: NamedDependency[PluginSet],
    keyring: NamedDependency[Keyring],
    settings: NamedDependency[Settings],
) -> Template | Redirect:
    """Save the Web Connector user name and issue a new password, shown on this response only."""
    page = await tenant_page(database, access)
    state = await setup_state(database, plugins, tenant_id)
    plugin = sink_plugin(plugins, state)
    username = form_text(await request.form(), "username", 63)
    if plugin is None:
        flash(request, "bad", "No books connector is installed here; ask your operator to install one.")
        return see_other(f"{tenant_base(tenant_id)}/setup/books")
    try:
        await connections.set_connection(database, keyring, plugins, tenant_id, plugin.name, {"username": username})
        connection = await books.connection_of(database, plugins, tenant_id, "sink")
        assert connection is not None
        issued = await issue_credentials(plugin, books.context_for(tenant_id, connection, database, settings))  # type: ignore[arg-type]
    except (MlcError, ValueError, NotSupported) as error:
        errors = problems_of(error) if isinstance(error, MlcError) else {"form": f"{error}."}
        state = await setup_state(database, plugins, tenant_id)
        return wizard(
            request, page, state, "books", plugin=plugin, username=username, issued=None, errors=errors, status_code=400
        )
    state = await setup_state(database, plugins, tenant_id)
    response = wizard(request, page, state, "books", plugin=plugin, username=username, issued=issued)
    response.headers["Cache-Control"] = "no-store"
    return response


@get("/t/{tenant_id:uuid}/setup/books/client-file", guards=[READ])
async def client_file(
    tenant_id: FromPath[uuid.UUID],
    database: NamedDependency[Database],
    plugins: NamedDependency[PluginSet],
    settings: NamedDependency[Settings],
) -> Response[bytes]:
    """The file to add in the QuickBooks Web Connector (.qwc)."""
    connection = await books.connection_of(database, plugins, tenant_id, "sink")
    plugin = books.sink_plugin(plugins, connection)
    if plugin is None or connection is None:
        raise SetupNotReady("Connect QuickBooks first (step 2 of the setup), then download the file.")
    try:
        file = await download_client_file(plugin, books.context_for(tenant_id, connection, database, settings))
    except (NotSupported, ValueError) as error:
        raise SetupNotReady(f"There is no file to download yet: {error}.") from None
    return Response(
        file.content,
        media_type=file.content_type,
        headers={"Content-Disposition": f'attachment; filename="{file.filename}"', "Cache-Control": "no-store"},
    )


class SetupNotReady(MlcError):
    status_code = 409


@get("/t/{tenant_id:uuid}/setup/contact", guards=[READ])
async def contact_wait(
    request: Request[Any, Any, Any],
    tenant_id: FromPath[uuid.UUID],
    access: NamedDependency[TenantAccess],
    database: NamedDependency[Database],
    plugins: NamedDependency[PluginSet],
) -> Template:
    page = await tenant_page(database, access)
    state = await setup_state(database, plugins, tenant_id)
    return wizard(request, page, state, "contact")


@get("/t/{tenant_id:uuid}/setup/contact/status", guards=[READ])
async def contact_status(
    request: Request[Any, Any, Any],
    tenant_id: FromPath[uuid.UUID],
    access: NamedDependency[TenantAccess],
    database: NamedDependency[Database],
    plugins: NamedDependency[PluginSet],
) -> Template:
    """The live part of the waiting step (polled every few seconds until the first contact arrives)."""
    page = await tenant_page(database, access)
    state = await setup_state(database, plugins, tenant_id)
    return render(request, "setup/_contact_status.html", page=page, state=state)


ROUTES = [
    setup_start,
    store_form,
    store_save,
    test_connection,
    books_form,
    books_save,
    client_file,
    contact_wait,
    contact_status,
]
