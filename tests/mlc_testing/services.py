"""PostgreSQL and Redis for tests: reachable, or skipped — or failed under MLC_REQUIRE_SERVICES=1."""

from __future__ import annotations

import os

import pytest

from mlc_testing.asyncio_thread import run

REQUIRE = os.environ.get("MLC_REQUIRE_SERVICES") == "1"
POSTGRES_URL = os.environ.get("MLC_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("MLC_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def unavailable(service: str, detail: str) -> None:
    message = f"{service} is unreachable ({detail})"
    if REQUIRE:
        pytest.fail(f"{message}, and MLC_REQUIRE_SERVICES=1 requires it", pytrace=False)
    pytest.skip(message)


async def _postgres_error() -> str | None:
    import asyncpg

    try:
        connection = await asyncpg.connect(POSTGRES_URL.replace("+asyncpg", ""), timeout=3)
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    await connection.close()
    return None


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """The PostgreSQL server's admin URL (database ``test``)."""
    error = run(_postgres_error())
    if error:
        unavailable("PostgreSQL", error)
    return POSTGRES_URL


@pytest.fixture(scope="session")
def redis_server_url() -> str:
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
    try:
        client.ping()
    except Exception as error:
        unavailable("Redis", f"{type(error).__name__}: {error}")
    finally:
        client.close()
    return REDIS_URL


@pytest.fixture
def redis_url(redis_server_url: str) -> str:
    """Redis, its database emptied before the test (set MLC_TEST_REDIS_URL to another db number to share a server)."""
    import redis

    client = redis.Redis.from_url(redis_server_url)
    client.flushdb()
    client.close()
    return redis_server_url
