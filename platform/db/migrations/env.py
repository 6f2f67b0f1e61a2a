"""Alembic environment: always handed a live connection by :mod:`mlconnector.platform.db.migrate`."""

from __future__ import annotations

from alembic import context

from mlconnector.platform.db.base import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - guarded by migrate.py
    raise RuntimeError("run migrations through `mlc db upgrade`, which supplies the connection")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
