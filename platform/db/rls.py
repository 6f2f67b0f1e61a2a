"""Row-level security for tenant tables (PostgreSQL's second wall; SQLite relies on the repository filter).

Call :func:`isolate_tenant_table` in the migration that creates a table with a ``tenant_id`` column, and
:func:`release_tenant_table` in its downgrade. The policy compares each row's ``tenant_id`` with the
transaction-local ``app.tenant_id`` (set by :mod:`mlconnector.platform.db.tenancy`); an unset tenant sees and
writes nothing. A *system* transaction (``app.system = 'on'``, used only by the core's cross-tenant maintenance
and by lookups that must find the tenant first, such as a Web Connector ticket) sees every row.
"""

from __future__ import annotations

from typing import Any

POLICY = "tenant_isolation"


def tenant_predicate(column: str = "tenant_id") -> str:
    """The policy expression comparing ``column`` with the transaction's tenant (``tenants`` itself uses ``id``)."""
    return (
        f"({column} = NULLIF(current_setting('app.tenant_id', true), '')::uuid "
        "OR current_setting('app.system', true) = 'on')"
    )


TENANT_MATCHES = tenant_predicate()


def isolate_tenant_table(op: Any, table: str, *, column_expression: str = TENANT_MATCHES) -> None:
    """ENABLE and FORCE row-level security on ``table`` with the tenant policy (no-op on SQLite)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY')
    op.execute(f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY')
    op.execute(f'CREATE POLICY {POLICY} ON "{table}" USING {column_expression} WITH CHECK {column_expression}')


def release_tenant_table(op: Any, table: str) -> None:
    """Undo :func:`isolate_tenant_table` (for downgrades)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f'DROP POLICY IF EXISTS {POLICY} ON "{table}"')
    op.execute(f'ALTER TABLE "{table}" NO FORCE ROW LEVEL SECURITY')
    op.execute(f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY')
