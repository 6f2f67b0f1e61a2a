"""Server-side sign-in sessions (the cookie holds only a random id; the row is found by its hash)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from mlconnector.platform.db.base import Base
from mlconnector.platform.db.types import UTCDateTime


class WebSession(Base):
    __tablename__ = "web_sessions"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    """SHA-256 of the session id: reading this table does not let anyone take over a session."""
    data: Mapped[bytes] = mapped_column(LargeBinary)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
