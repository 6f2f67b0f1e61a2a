"""``GET /api/tenants/{id}/sync/variance?day=YYYY-MM-DD``: the store's figures for a day beside the books'."""

from __future__ import annotations

import uuid
from datetime import date

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery

from mlconnector.platform.db.engine import Database
from mlconnector.platform.sync.api.shapes import VarianceExplanationOut, VarianceLineOut, VarianceOut
from mlconnector.platform.sync.variance import daily_variance
from mlconnector.tenants.auth.guards import READ
from mlconnector.tenants.auth.openapi import SIGNED_IN


class VarianceController(Controller):
    path = "/api/tenants/{tenant_id:uuid}/sync/variance"
    tags = ["sync"]
    security = SIGNED_IN
    guards = [READ]

    @get("/", summary="Sales, tax, shipping, discounts, payments and refunds: store vs books, with explanations")
    async def show(
        self, tenant_id: FromPath[uuid.UUID], day: FromQuery[date], database: NamedDependency[Database]
    ) -> VarianceOut:
        async with database.session(tenant_id) as session:
            report = await daily_variance(session, day)
        return VarianceOut(
            day=report.day,
            balanced=report.balanced,
            lines=[
                VarianceLineOut(
                    category=line.category,
                    storefront=f"{line.storefront:.2f}",
                    books=f"{line.books:.2f}",
                    difference=f"{line.difference:.2f}",
                    books_reported=line.books_reported,
                )
                for line in report.lines.values()
            ],
            explanations=[
                VarianceExplanationOut(key=e["key"], number=e["number"], state=e["state"], reason=e["reason"])
                for e in report.explanations
            ],
        )
