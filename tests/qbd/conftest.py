"""Fixtures for the QuickBooks Desktop sink: databases migrated with the core *and* the ``qbd`` branch, tenants
with a Web Connector password, and the app with only this plugin loaded."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from mlc_testing.asyncio_thread import run
from mlc_testing.databases import BACKENDS, _admin, empty_postgres, sqlite_url

from mlconnector.connectors.qbd.plugin import QuickBooksDesktopSink
from mlconnector.platform.db import migrate
from mlconnector.platform.db.engine import Database

MIGRATIONS = [Path(QuickBooksDesktopSink().migrations())]
REFERENCE = Path(__file__).parent / "reference"


@pytest.fixture(scope="session")
def qbd_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("qbd-template") / "template.sqlite3"
    run(migrate.upgrade(sqlite_url(path), MIGRATIONS))
    return path


@pytest.fixture(scope="session")
def qbd_postgres(postgres_url: str) -> Iterator[str]:
    name = f"mlc_qbd_{uuid.uuid4().hex[:12]}"
    run(_admin(postgres_url, f'CREATE DATABASE "{name}"'))
    url = postgres_url.rsplit("/", 1)[0] + f"/{name}"
    run(migrate.upgrade(url, MIGRATIONS))
    yield url
    run(_admin(postgres_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=BACKENDS)
def qbd_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "qbd.sqlite3"
        shutil.copyfile(request.getfixturevalue("qbd_sqlite_template"), path)
        return sqlite_url(path)
    url = request.getfixturevalue("qbd_postgres")
    run(empty_postgres(url))
    return url


@pytest.fixture
def sqlite_qbd_url(qbd_sqlite_template: Path, tmp_path: Path) -> str:
    """SQLite only, for tests about protocol shapes rather than storage."""
    path = tmp_path / "qbd.sqlite3"
    shutil.copyfile(qbd_sqlite_template, path)
    return sqlite_url(path)


@pytest.fixture
async def qbd_database(qbd_url: str) -> AsyncIterator[Database]:
    database = Database(qbd_url, pool_size=2)
    yield database
    await database.dispose()
