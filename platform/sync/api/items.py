"""``/api/tenants/{id}/sync/items``: SKU → QuickBooks item mappings, as JSON or as CSV (``items.csv``, header
``sku,item``). A CSV import is checked line by line first and changes nothing if any line is wrong (400, each
bad line named). Held documents of a newly mapped SKU are queued to post again."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from litestar import Controller, Response, get, put
from litestar.di import NamedDependency
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIType, Operation, RequestBody, Schema
from litestar.params import FromPath, FromQuery, JSONBody, RawBody
from litestar.status_codes import HTTP_200_OK

from mlconnector.platform.db.engine import Database
from mlconnector.platform.errors import InvalidInput
from mlconnector.platform.plugins.discovery import PluginSet
from mlconnector.platform.sync import item_mappings
from mlconnector.platform.sync.api.shapes import ImportOut, MappingsIn, MappingsOut, actor_of
from mlconnector.tenants.auth.guards import READ, WRITE
from mlconnector.tenants.auth.openapi import SIGNED_IN
from mlconnector.tenants.auth.principal import TenantAccess

CSV = "text/csv"
CSV_EXAMPLE = "sku,item\n24-MB01,Bags:Joust Duffle Bag\n"


@dataclass
class CsvImportOperation(Operation):
    """Documents the import's body, which is CSV rather than JSON (Litestar cannot infer it from ``bytes``)."""

    def __post_init__(self) -> None:
        self.request_body = RequestBody(
            content={CSV: OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING), example=CSV_EXAMPLE)},
            description="UTF-8 CSV: the header line sku,item, then one SKU per line.",
            required=True,
        )


def _import_out(report: item_mappings.ImportReport) -> ImportOut:
    return ImportOut(report.added, report.changed, report.unchanged, report.released)


class ItemMappingController(Controller):
    path = "/api/tenants/{tenant_id:uuid}/sync/items"
    tags = ["sync"]
    security = SIGNED_IN

    @get("/", guards=[READ], summary="Every SKU → QuickBooks item mapping")
    async def index(
        self, tenant_id: FromPath[uuid.UUID], database: NamedDependency[Database], plugins: NamedDependency[PluginSet]
    ) -> MappingsOut:
        async with database.session(tenant_id) as session:
            return MappingsOut(await item_mappings.get_item_mappings(session, plugins))

    @put("/", guards=[WRITE], summary="Map SKUs to items (null unmaps); all checked first")
    async def save(
        self,
        data: JSONBody[MappingsIn],
        access: NamedDependency[TenantAccess],
        database: NamedDependency[Database],
        plugins: NamedDependency[PluginSet],
    ) -> ImportOut:
        async with database.session(access.tenant_id) as session:
            report = await item_mappings.set_item_mappings(
                session, plugins, data.items, actor=actor_of(access), replace=data.replace
            )
        return _import_out(report)

    @get("/csv", guards=[READ], media_type=CSV, summary="Export the mappings as CSV (sku,item)")
    async def export(
        self, tenant_id: FromPath[uuid.UUID], database: NamedDependency[Database], plugins: NamedDependency[PluginSet]
    ) -> Response[str]:
        async with database.session(tenant_id) as session:
            text = await item_mappings.export_item_csv(session, plugins)
        disposition = 'attachment; filename="item-mappings.csv"'
        return Response(text, media_type=f"{CSV}; charset=utf-8", headers={"Content-Disposition": disposition})

    @put(
        "/csv",
        guards=[WRITE],
        status_code=HTTP_200_OK,
        summary="Import mappings from a CSV body (Content-Type: text/csv; header sku,item); all or nothing",
        operation_class=CsvImportOperation,
        description="Add `?replace=true` to make the file the whole mapping.",
    )
    async def import_csv(
        self,
        body: RawBody,
        access: NamedDependency[TenantAccess],
        database: NamedDependency[Database],
        plugins: NamedDependency[PluginSet],
        replace: FromQuery[bool] = False,
    ) -> ImportOut:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidInput(("body", "send the CSV as UTF-8 text."), status_code=400) from None
        async with database.session(access.tenant_id) as session:
            report = await item_mappings.import_item_csv(
                session, plugins, text, actor=actor_of(access), replace=replace
            )
        return _import_out(report)
