"""Helpers for the Adobe Commerce plugin's tests: the fake store, configs for each auth mode, a wired plugin, and
databases that also carry the plugin's own tables."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from mlc_testing.asyncio_thread import run
from mlc_testing.databases import BACKENDS, _admin, sqlite_url
from mlconnector.connectors.commerce.connect import Wiring
from mlconnector.connectors.commerce.fake import FakeCommerce, FakeTransport
from mlconnector.connectors.commerce.fake.ims import ImsClient
from mlconnector.connectors.commerce.fake.oauth import Integration
from mlconnector.connectors.commerce.plugin import AdobeCommerceSource
from mlconnector.connectors.commerce.retry import RetryPolicy
from mlconnector.platform.db import migrate
from mlconnector.platform.db.engine import Database

BASE_URL = "https://shop.example"
IMS_URL = "https://ims.example/ims/token/v3"
COMMERCE_MIGRATIONS = Path(AdobeCommerceSource().migrations() or "")
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def oauth_config(integration: Integration, **extra: Any) -> dict[str, Any]:
    return {
        "base_url": BASE_URL,
        "auth_mode": "oauth1",
        "consumer_key": integration.consumer_key,
        "consumer_secret": integration.consumer_secret,
        "access_token": integration.access_token,
        "access_token_secret": integration.access_token_secret,
        **extra,
    }


def bearer_config(integration: Integration, **extra: Any) -> dict[str, Any]:
    return {"base_url": BASE_URL, "auth_mode": "bearer", "access_token": integration.access_token, **extra}


def ims_config(fake: FakeCommerce, client: ImsClient, **extra: Any) -> dict[str, Any]:
    return {
        "base_url": f"https://na1.api.commerce.example/{fake.tenant_path}",
        "platform": "cloud_service",
        "auth_mode": "ims",
        "ims_client_id": client.client_id,
        "ims_client_secret": client.client_secret,
        "ims_org_id": client.org_id,
        "ims_token_url": IMS_URL,
        **extra,
    }


async def no_sleep(seconds: float) -> None:
    """Retries in tests wait for nothing (the waits asked for are recorded by ``SleepLog``)."""


class SleepLog:
    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def wired_plugin(fake: FakeCommerce, **options: Any) -> AdobeCommerceSource:
    """The plugin talking to ``fake`` in-process, retrying without waiting."""
    wiring = Wiring(
        transport=FakeTransport(fake),
        policy=options.pop("policy", RetryPolicy(base_delay=0.0, max_delay=0.0)),
        sleep=options.pop("sleep", no_sleep),
        **({"clock": options.pop("clock")} if "clock" in options else {}),
    )
    return AdobeCommerceSource(wiring=wiring, **options)


# --- databases with the plugin's tables -----------------------------------------------------------------------


@pytest.fixture(scope="session")
def commerce_sqlite_template(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("commerce-template") / "template.sqlite3"
    shutil.copyfile(sqlite_template, path)
    run(migrate.upgrade(sqlite_url(path), [COMMERCE_MIGRATIONS]))
    return path


@pytest.fixture(scope="session")
def commerce_postgres(postgres_url: str) -> Iterator[str]:
    name = f"mlc_commerce_{uuid.uuid4().hex[:10]}"
    run(_admin(postgres_url, f'CREATE DATABASE "{name}"'))
    url = postgres_url.rsplit("/", 1)[0] + f"/{name}"
    run(migrate.upgrade(url, [COMMERCE_MIGRATIONS]))
    yield url
    run(_admin(postgres_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=BACKENDS)
def commerce_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database with the core's and the commerce plugin's tables: SQLite and PostgreSQL."""
    from mlc_testing.databases import empty_postgres

    if request.param == "sqlite":
        path = tmp_path / "commerce.sqlite3"
        shutil.copyfile(request.getfixturevalue("commerce_sqlite_template"), path)
        return sqlite_url(path)
    url = request.getfixturevalue("commerce_postgres")
    run(empty_postgres(url))
    return url


@pytest.fixture
async def commerce_database(commerce_database_url: str) -> AsyncIterator[Database]:
    database = Database(commerce_database_url, pool_size=4)
    yield database
    await database.dispose()
