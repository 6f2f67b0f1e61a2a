"""The engine API's fixtures: databases shaped like production with the QuickBooks sink (core + ``qbd``
migrations, on SQLite and PostgreSQL), an app with QuickBooks and a test store, signed-in browsers, and cheap
password hashing for sign-ups."""

from mlc_testing.accounts import cheap_password_hashing, mailbox  # noqa: F401
from qbd.conftest import qbd_postgres, qbd_sqlite_template, qbd_url  # noqa: F401
from sync_api.engine_fixtures import client, database, engine_plugins, engine_settings, other_client  # noqa: F401
