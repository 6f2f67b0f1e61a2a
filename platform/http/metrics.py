"""``/metrics``: Prometheus text for this web process and the database-sampled gauges.

Open by default, like ``/healthz``; with ``MLC_METRICS_TOKEN`` set it needs ``Authorization: Bearer <token>``,
for ingresses that expose every path. It never shows secrets or tenant data beyond tenant ids and counts.
"""

from __future__ import annotations

import hmac

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException

from mlconnector.platform.db.engine import Database
from mlconnector.platform.observability.exposition import CONTENT_TYPE, render
from mlconnector.platform.settings import Settings


def _authorized(request: Request, settings: Settings) -> bool:
    token = settings.metrics.token
    if token is None:
        return True
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.reveal().encode())


@get("/metrics", summary="Prometheus metrics", tags=["health"], include_in_schema=False)
async def metrics(
    request: Request, database: NamedDependency[Database], settings: NamedDependency[Settings]
) -> Response[bytes]:
    if not _authorized(request, settings):
        raise NotAuthorizedException("/metrics needs Authorization: Bearer <MLC_METRICS_TOKEN>")
    return Response(await render(database), media_type=CONTENT_TYPE)
