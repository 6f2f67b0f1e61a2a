"""The pages' fixtures: an app with QuickBooks Desktop, Adobe Commerce and a test store, on SQLite and on
PostgreSQL as the runtime role (row-level security on), browsers (cookie jars) and the test's own database."""

from collections.abc import AsyncIterator, Iterator

import pytest
from mlc_testing.accounts import KEK, cheap_password_hashing, mailbox  # noqa: F401
from mlc_testing.plugins import entry
from mlc_testing.runtime_role import AppDatabase
from sync_api.engine_fixtures import client, other_client  # noqa: F401

from mlconnector.platform import bootstrap
from mlconnector.platform.db.engine import Database
from mlconnector.platform.plugins.discovery import PluginSet, load_plugins


@pytest.fixture
def engine_plugins() -> Iterator[PluginSet]:
    """The books (QuickBooks Desktop), the real Adobe Commerce source for the setup forms, and a test store that
    feeds documents without a network."""
    plugins = load_plugins(
        entries=[
            entry("qbd", "mlconnector.connectors.qbd.plugin:QuickBooksDesktopSink", "ml-connector"),
            entry("commerce", "mlconnector.connectors.commerce.plugin:AdobeCommerceSource", "ml-connector"),
            entry("testplug", "mlc_testing.plugins:StoreSource"),
        ]
    )
    bootstrap.install_plugins(plugins)
    yield plugins
    bootstrap.install_plugins(None)


@pytest.fixture
def engine_settings(make_settings, app_database: AppDatabase):  # type: ignore[no-untyped-def]
    return make_settings(DATABASE_URL=app_database.url, MLC_AUTO_MIGRATE="false", MLC_VAULT_KEKS=KEK)


@pytest.fixture
async def database(app_database: AppDatabase) -> AsyncIterator[Database]:
    """The test's own handle on the app's database, as the app connects (the engine's jobs run through it)."""
    db = Database(app_database.url, pool_size=2)
    yield db
    await db.dispose()
