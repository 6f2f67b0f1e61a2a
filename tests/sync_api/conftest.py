"""The engine API's fixtures: databases shaped like production with the QuickBooks sink (core + ``qbd``
migrations, on SQLite and PostgreSQL), and cheap password hashing for sign-ups."""

from mlc_testing.accounts import cheap_password_hashing, mailbox  # noqa: F401
from qbd.conftest import qbd_postgres, qbd_sqlite_template, qbd_url  # noqa: F401
