"""The accounts tests' fixtures: an app on SQLite and on PostgreSQL-as-the-runtime-role, cheap password hashing,
a recording mail sender and signed-in clients (see ``mlc_testing.accounts``)."""

from mlc_testing.accounts import (  # noqa: F401
    app,
    app_settings,
    cheap_password_hashing,
    client,
    mailbox,
    other_client,
)
