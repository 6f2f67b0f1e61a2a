"""The declarative base every table (core or plugin) derives from, and the tenant column mixin."""

from __future__ import annotations

import uuid

from sqlalchemy import MetaData, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with deterministic constraint names, so migrations can name what they drop."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class TenantScoped:
    """Mixin for every table that holds one tenant's data.

    The ``tenant_id`` column leads the table's indexes and foreign keys; repositories filter and stamp it, and on
    PostgreSQL row-level security checks it against the transaction's ``app.tenant_id``.
    """

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)


def new_id() -> uuid.UUID:
    """Primary keys are random UUIDs: unguessable across tenants, safe to expose in URLs."""
    return uuid.uuid4()
