"""What the runtime role may do on PostgreSQL: data, never schema — and never past row-level security.

Migrations run as the owner (``DATABASE_OWNER_URL``); the app connects as a separate role that owns nothing and
is not BYPASSRLS, so the tenant policies apply to every query it makes. After each upgrade the owner grants that
role data access to every table (read-only on ``alembic_version``) and sets default privileges so tables a later
migration or plugin creates are covered too. Every statement is idempotent.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

from mlconnector.platform.errors import SettingsError


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _check_role(connection: Connection, role: str) -> None:
    row = connection.execute(
        text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = :role"), {"role": role}
    ).one_or_none()
    if row is None:
        raise SettingsError(
            "MLC_DB_RUNTIME_ROLE",
            f"role {role!r} does not exist; create it first: CREATE ROLE {quote_identifier(role)} LOGIN PASSWORD '…' "
            "NOSUPERUSER NOBYPASSRLS",
        )
    if row.rolsuper or row.rolbypassrls:
        raise SettingsError(
            "MLC_DB_RUNTIME_ROLE",
            f"role {role!r} is a superuser or BYPASSRLS, so row-level security would not apply to it; "
            "use a plain LOGIN role",
        )
    owner = connection.execute(text("SELECT current_user")).scalar_one()
    if owner == role:
        raise SettingsError("MLC_DB_RUNTIME_ROLE", f"role {role!r} is the owner role migrations run as; use another")


def grant_runtime_role(connection: Connection, role: str) -> None:
    """Grant ``role`` data access to the current schema's tables (no-op on SQLite)."""
    if connection.dialect.name != "postgresql":
        return
    _check_role(connection, role)
    who = quote_identifier(role)
    schema = quote_identifier(connection.execute(text("SELECT current_schema()")).scalar_one())
    for statement in (
        f"GRANT USAGE ON SCHEMA {schema} TO {who}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {who}",
        f"REVOKE INSERT, UPDATE, DELETE ON {schema}.alembic_version FROM {who}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {who}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {who}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {who}",
    ):
        connection.execute(text(statement))
