"""Failed sign-in counters per account and per client address, shared by every process through the database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from mlconnector.platform.db.base import Base
from mlconnector.platform.db.types import UTCDateTime


class LoginThrottle(Base):
    __tablename__ = "login_throttles"

    scope: Mapped[str] = mapped_column(String(16), primary_key=True)
    """``account`` or ``address`` (or ``reset`` for password-reset requests)."""
    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    """SHA-256 of the email or address, so the table holds no personal data in the clear."""
    attempts: Mapped[int] = mapped_column(Integer)
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
