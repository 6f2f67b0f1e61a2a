"""The tenant: one merchant organisation, one QuickBooks company file, one storefront."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from mlconnector.platform.db.base import Base, new_id
from mlconnector.platform.db.types import UTCDateTime, utcnow


class Tenant(Base):
    """A merchant organisation. Every tenant-scoped row in the database points here through ``tenant_id``."""

    __tablename__ = "tenants"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    """Short, URL- and shell-safe handle used by the CLI (``mlc status acme``)."""
    name: Mapped[str] = mapped_column(String(200))
    is_sandbox: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
