"""``/healthz`` says the process is alive; ``/readyz`` says it can do work (database, and Redis when configured)."""

from __future__ import annotations

import asyncio

import redis.asyncio as redis
from litestar import Controller, Response, get
from litestar.di import NamedDependency
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE

from mlconnector.platform.db.engine import Database
from mlconnector.platform.settings import Settings

CHECK_TIMEOUT_SECONDS = 2.0


async def _check(name: str, probe: asyncio.Future | asyncio.Task | object) -> tuple[str, str]:
    try:
        await asyncio.wait_for(probe, CHECK_TIMEOUT_SECONDS)  # type: ignore[arg-type]
    except Exception as error:  # a readiness probe reports, never raises
        return name, f"unavailable ({type(error).__name__})"
    return name, "ok"


async def _ping_redis(url: str) -> None:
    client = redis.from_url(url, socket_connect_timeout=CHECK_TIMEOUT_SECONDS)
    try:
        await client.ping()
    finally:
        await client.aclose()


class HealthController(Controller):
    """Probes for Kubernetes and load balancers; no authentication, no secrets, no tenant data."""

    include_in_schema = True
    tags = ["health"]

    @get("/healthz", summary="Liveness: the process answers")
    async def healthz(self) -> dict[str, str]:
        return {"status": "ok"}

    @get("/readyz", summary="Readiness: the database (and Redis, when configured) answer")
    async def readyz(
        self, database: NamedDependency[Database], settings: NamedDependency[Settings]
    ) -> Response[dict[str, object]]:
        checks = [_check("database", database.ping())]
        if settings.redis.url:
            checks.append(_check("redis", _ping_redis(settings.redis.url)))
        results = dict(await asyncio.gather(*checks))
        ready = all(value == "ok" for value in results.values())
        return Response(
            {"status": "ok" if ready else "unavailable", "checks": results},
            status_code=HTTP_200_OK if ready else HTTP_503_SERVICE_UNAVAILABLE,
        )
