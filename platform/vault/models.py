"""The vault's one table: each tenant's data key, stored only wrapped by a KEK."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKeyConstraint, LargeBinary, PrimaryKeyConstraint, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from mlconnector.platform.db.base import Base, TenantScoped, new_id
from mlconnector.platform.db.types import UTCDateTime, utcnow


class TenantKey(TenantScoped, Base):
    """A tenant's random 256-bit data key (DEK), wrapped by the KEK named in ``kek_id``.

    Secrets are sealed with the DEK; rotating the KEK re-wraps this row only, never a secret. One per tenant
    (``uq_tenant_keys_tenant_id``), which also makes two first uses racing to create it agree on one.
    """

    __tablename__ = "tenant_keys"
    __table_args__ = (
        PrimaryKeyConstraint("tenant_id", "id"),
        UniqueConstraint("tenant_id"),
        ForeignKeyConstraint(["tenant_id"], ["tenants.id"], ondelete="CASCADE"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, default=new_id)
    kek_id: Mapped[str] = mapped_column(String(64))
    """Which KEK wraps it (also in the wrapped value's header); lets rotation find what is left to do."""
    wrapped: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    rewrapped_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
