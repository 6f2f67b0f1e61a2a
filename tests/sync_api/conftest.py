"""The engine API's fixtures: an app with QuickBooks Desktop and a test store on SQLite and on PostgreSQL as the
runtime role (row-level security on), signed-in browsers, cheap password hashing for sign-ups — and, for the Web
Connector sessions, databases with the core and ``qbd`` migrations only (what the QuickBooks harness runs on)."""

from mlc_testing.accounts import cheap_password_hashing, mailbox  # noqa: F401
from qbd.conftest import qbd_postgres, qbd_sqlite_template, qbd_url  # noqa: F401
from sync_api.engine_fixtures import client, database, engine_plugins, engine_settings, other_client  # noqa: F401
