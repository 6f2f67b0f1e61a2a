"""A person who signs in. Not tenant-scoped: one user may belong to several tenants (see ``Membership``)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from mlconnector.platform.db.base import Base, new_id
from mlconnector.platform.db.types import UTCDateTime, utcnow


class User(Base):
    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    """Normalised (trimmed, lower-case); unique."""
    password_hash: Mapped[str] = mapped_column(String(255))
    """argon2id, in the PHC string format (algorithm and parameters included)."""
    session_version: Mapped[int] = mapped_column(Integer, default=0)
    """Copied into each sign-in session; bumping it (password reset) signs out every session at once."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
