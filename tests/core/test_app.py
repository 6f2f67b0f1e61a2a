"""The app factory: health and readiness, OpenAPI, error bodies, and what start-up does about the schema."""

from __future__ import annotations

import pytest
from litestar.testing import AsyncTestClient
from mlc_testing.databases import sqlite_url

from mlconnector.platform.app import create_app
from mlconnector.platform.errors import StartupError
from mlconnector.platform.plugins.discovery import PluginSet


async def test_health_and_readiness(make_settings, database_url: str) -> None:
    settings = make_settings(DATABASE_URL=database_url, MLC_AUTO_MIGRATE="false")
    async with AsyncTestClient(create_app(settings, plugins=PluginSet(), start_jobs=False)) as client:
        assert (await client.get("/healthz")).json() == {"status": "ok"}
        ready = await client.get("/readyz")
        assert ready.status_code == 200
        assert ready.json() == {"status": "ok", "checks": {"database": "ok"}}
        assert ready.headers["x-request-id"]


@pytest.mark.redis
async def test_readiness_includes_redis_when_configured(make_settings, database_url: str, redis_url: str) -> None:
    settings = make_settings(
        DATABASE_URL=database_url, REDIS_URL=redis_url, MLC_VAULT_KEKS="k:" + "A" * 43 + "=", MLC_AUTO_MIGRATE="0"
    )
    async with AsyncTestClient(create_app(settings, plugins=PluginSet(), start_jobs=False)) as client:
        assert (await client.get("/readyz")).json()["checks"] == {"database": "ok", "redis": "ok"}


async def test_readiness_fails_when_redis_is_down(make_settings, tmp_path) -> None:
    settings = make_settings(
        DATABASE_URL=sqlite_url(tmp_path / "r.sqlite3"),
        REDIS_URL="redis://127.0.0.1:1/0",
        MLC_VAULT_KEKS="k:" + "A" * 43 + "=",
        MLC_AUTO_MIGRATE="1",
    )
    async with AsyncTestClient(create_app(settings, plugins=PluginSet(), start_jobs=False)) as client:
        ready = await client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["checks"]["database"] == "ok"
        assert ready.json()["checks"]["redis"].startswith("unavailable")
        assert (await client.get("/healthz")).status_code == 200


async def test_embedded_default_migrates_itself(make_settings, tmp_path) -> None:
    settings = make_settings(DATABASE_URL=sqlite_url(tmp_path / "new.sqlite3"))
    async with AsyncTestClient(create_app(settings, plugins=PluginSet(), start_jobs=False)) as client:
        assert (await client.get("/readyz")).status_code == 200


async def test_production_refuses_an_unmigrated_schema(make_settings, tmp_path) -> None:
    settings = make_settings(DATABASE_URL=sqlite_url(tmp_path / "empty.sqlite3"), MLC_AUTO_MIGRATE="false")
    app = create_app(settings, plugins=PluginSet(), start_jobs=False)
    with pytest.raises(BaseException) as caught:  # the lifespan wraps it in an exception group
        async with AsyncTestClient(app):
            pass
    found = _flatten(caught.value)
    assert any(isinstance(error, StartupError) and "run `mlc db upgrade`" in str(error) for error in found)


def _flatten(error: BaseException) -> list[BaseException]:
    if isinstance(error, BaseExceptionGroup):
        return [leaf for inner in error.exceptions for leaf in _flatten(inner)]
    return [error]


async def test_openapi_and_json_errors(make_settings, database_url: str) -> None:
    settings = make_settings(DATABASE_URL=database_url, MLC_AUTO_MIGRATE="false")
    async with AsyncTestClient(create_app(settings, plugins=PluginSet(), start_jobs=False)) as client:
        schema = (await client.get("/schema/openapi.json")).json()
        assert schema["info"]["title"] == "ml-connector"
        assert "/readyz" in schema["paths"]
        missing = await client.get("/no/such/page")
        assert missing.status_code == 404
        assert missing.json() == {"error": "Not Found", "status": 404}
