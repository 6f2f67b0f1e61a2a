"""Where a tenant's setup stands, worked out from what is stored (so every step is saved and resumable)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from mlconnector.platform.db.engine import Database
from mlconnector.platform.plugins.discovery import PluginSet
from mlconnector.platform.sync.document_list import list_holds
from mlconnector.platform.sync.item_mappings import SKU_HOLDS
from mlconnector.platform.sync.sink_settings import stored_settings
from mlconnector.platform.sync.sync_settings import get_sync_settings
from mlconnector.tenants.services import connections
from mlconnector.tenants.services.connections import ConnectionView
from mlconnector.web import books

STEPS = (
    ("store", "Connect your store"),
    ("books", "Connect QuickBooks"),
    ("contact", "First Web Connector contact"),
    ("items", "Map SKUs to items"),
    ("accounting", "Accounting settings"),
    ("preview", "Preview"),
    ("live", "Go live"),
)
NO_CREDENTIALS = ("not_found", "invalid_config")


@dataclass(slots=True)
class SetupState:
    source: ConnectionView | None
    sink: ConnectionView | None
    contact: books.BooksContact
    mappings: int = 0
    sku_holds: int = 0
    accounting_saved: bool = False
    done: dict[str, bool] = field(default_factory=dict)

    def first_open_step(self) -> str:
        return next((key for key, _ in STEPS if not self.done.get(key)), "live")


def _done(state: SetupState) -> dict[str, bool]:
    books_ready = state.sink is not None and state.contact.problem not in NO_CREDENTIALS
    return {
        "store": state.source is not None,
        "books": books_ready,
        "contact": state.contact.ok,
        "items": state.contact.ok and (state.mappings > 0 or state.sku_holds == 0),
        "accounting": state.accounting_saved,
        "preview": state.accounting_saved,
        "live": state.source is not None and books_ready and state.contact.ok,
    }


async def setup_state(database: Database, plugins: PluginSet, tenant_id: uuid.UUID) -> SetupState:
    views = await connections.list_connections(database, plugins, tenant_id)
    source = next((view for view in views if view.kind == "source"), None)
    sink = next((view for view in views if view.kind == "sink"), None)
    async with database.session(tenant_id) as session:
        interval = (await get_sync_settings(session)).web_connector_interval_minutes
        chosen = await stored_settings(session, sink.plugin) if sink is not None else {}
        holds = await list_holds(session, limit=200)
    sink_connection = await books.connection_of(database, plugins, tenant_id, "sink")
    contact = await books.books_contact(plugins, sink_connection, interval)
    state = SetupState(
        source=source,
        sink=sink,
        contact=contact,
        mappings=len(chosen.get("items") or {}),
        sku_holds=sum(row.hold_code in SKU_HOLDS for row in holds.rows),
        accounting_saved=any(key != "items" for key in chosen),
    )
    state.done = _done(state)
    return state
