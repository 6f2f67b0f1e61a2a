"""Fixtures of the engine API tests (imported by ``conftest.py``): an app with QuickBooks Desktop and a test
store on the production schema (every installed plugin's migrations), two browsers, and the test's own database
handle."""

from collections.abc import AsyncIterator, Iterator

import pytest
from litestar.testing import AsyncTestClient
from mlc_testing.accounts import KEK
from mlc_testing.plugins import entry

from mlconnector.platform import bootstrap
from mlconnector.platform.app import create_app
from mlconnector.platform.db.engine import Database
from mlconnector.platform.plugins.discovery import PluginSet, load_plugins


@pytest.fixture
def engine_plugins() -> Iterator[PluginSet]:
    """QuickBooks Desktop as the books and a test store as the source; the engine's jobs use them too."""
    plugins = load_plugins(
        entries=[
            entry("qbd", "mlconnector.connectors.qbd.plugin:QuickBooksDesktopSink", "ml-connector"),
            entry("testplug", "mlc_testing.plugins:StoreSource"),
        ]
    )
    bootstrap.install_plugins(plugins)
    yield plugins
    bootstrap.install_plugins(None)


@pytest.fixture
def engine_settings(make_settings, app_database):  # type: ignore[no-untyped-def]
    """SQLite, and PostgreSQL as the runtime role (row-level security applies, as in production)."""
    return make_settings(DATABASE_URL=app_database.url, MLC_AUTO_MIGRATE="false", MLC_VAULT_KEKS=KEK)


@pytest.fixture
async def client(engine_settings, engine_plugins, mailbox) -> AsyncIterator[AsyncTestClient]:  # type: ignore[no-untyped-def]
    app = create_app(engine_settings, plugins=engine_plugins, start_jobs=False, mail_sender=mailbox)
    async with AsyncTestClient(app) as client:
        yield client


@pytest.fixture
async def other_client(engine_settings, engine_plugins, mailbox) -> AsyncIterator[AsyncTestClient]:  # type: ignore[no-untyped-def]
    """A second browser (its own cookies) on the same database: another organisation's owner."""
    app = create_app(engine_settings, plugins=engine_plugins, start_jobs=False, mail_sender=mailbox)
    async with AsyncTestClient(app) as client:
        yield client


@pytest.fixture
async def database(app_database) -> AsyncIterator[Database]:  # type: ignore[no-untyped-def]
    """The test's own handle on the app's database, as the app connects (the engine's jobs run through it)."""
    db = Database(app_database.url, pool_size=2)
    yield db
    await db.dispose()
