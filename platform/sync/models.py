"""Tables of the sync pipeline: what sources sent us, where each read stands, and how sinks answered."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from mlconnector.platform.db.base import Base, TenantScoped, new_id
from mlconnector.platform.db.types import JSONDocument, UTCDateTime, utcnow


class SourceRecordRow(TenantScoped, Base):
    """A raw record exactly as the source sent it, once per (tenant, source, stream, key).

    ``content_hash`` decides whether a re-read changed anything; only a change creates new work.
    """

    __tablename__ = "source_records"
    __table_args__ = (
        UniqueConstraint("tenant_id", "source", "stream", "key", name="uq_source_records_identity"),
        Index("ix_source_records_tenant_id_source_updated", "tenant_id", "source", "source_updated_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("tenants.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(40))
    stream: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(255))
    source_id: Mapped[str] = mapped_column(String(64))
    content_hash: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    source_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    """Increases each time the content changes."""
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReadCursor(TenantScoped, Base):
    """Where the last stored read of one stream ended (opaque to the core; the source's own format)."""

    __tablename__ = "read_cursors"

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
    source: Mapped[str] = mapped_column(String(40), primary_key=True)
    stream: Mapped[str] = mapped_column(String(40), primary_key=True)
    cursor: Mapped[str | None] = mapped_column(Text, nullable=True)
    records_read: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SinkOutcomeRow(TenantScoped, Base):
    """How a deferred delivery ended, as the sink reported it (an inbox the engine consumes in order)."""

    __tablename__ = "sink_outcomes"
    __table_args__ = (Index("ix_sink_outcomes_tenant_id_document_key", "tenant_id", "document_key"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("tenants.id", ondelete="CASCADE"))
    sink: Mapped[str] = mapped_column(String(40))
    document_key: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    """The full :class:`Outcome` (external ids, holds, error)."""
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    consumed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
