"""A tenant's connection to a source or sink plugin: public settings as JSON, secrets sealed in the vault."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    ForeignKeyConstraint,
    LargeBinary,
    PrimaryKeyConstraint,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from mlconnector.platform.db.base import Base, TenantScoped, new_id
from mlconnector.platform.db.types import JSONDocument, UTCDateTime, utcnow


class Connection(TenantScoped, Base):
    """One per tenant and kind: the tenant's source (Adobe Commerce) and its sink (QuickBooks Desktop)."""

    __tablename__ = "connections"
    __table_args__ = (
        UniqueConstraint("tenant_id", "kind"),
        UniqueConstraint("tenant_id", "id"),
        ForeignKeyConstraint(["tenant_id"], ["tenants.id"], ondelete="CASCADE"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(8))
    """``source`` or ``sink``."""
    plugin: Mapped[str] = mapped_column(String(40))
    config: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    """The non-secret fields of the plugin's config schema; secret fields live in ``connection_secrets``."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_check_ok: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    last_check_problem: Mapped[str | None] = mapped_column(String(32), nullable=True)
    last_check_message: Mapped[str | None] = mapped_column(Text, nullable=True)


class ConnectionSecret(TenantScoped, Base):
    """One secret field of one connection, sealed with the tenant's data key and bound to tenant, connection and
    field. Never queried by value (it is ciphertext)."""

    __tablename__ = "connection_secrets"
    __table_args__ = (
        PrimaryKeyConstraint("tenant_id", "connection_id", "field"),
        ForeignKeyConstraint(
            ["tenant_id", "connection_id"], ["connections.tenant_id", "connections.id"], ondelete="CASCADE"
        ),
    )

    connection_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    field: Mapped[str] = mapped_column(String(200))
    """Dotted path of the schema property flagged ``"secret": true``."""
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
