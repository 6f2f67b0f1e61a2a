"""Tables of the sync pipeline: what sources sent us, where each read stands, and how sinks answered."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
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


class DocumentRow(TenantScoped, Base):
    """A canonical document and where it stands on its way into the books.

    States: ``pending`` (to plan), ``waiting`` (on ``waiting_on``, e.g. its invoice), ``held`` (needs a person:
    ``hold_reason``), ``queued`` (handed to a deferred sink), ``posted``, ``failed``, ``skipped`` (a person chose
    not to post it), ``informational`` (the tenant's sink does not post this type, e.g. orders).
    """

    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("tenant_id", "key", name="uq_documents_tenant_id_key"),
        Index("ix_documents_tenant_id_number", "tenant_id", "number"),
        Index("ix_documents_tenant_id_order_number", "tenant_id", "order_number"),
        Index("ix_documents_tenant_id_waiting_on", "tenant_id", "waiting_on"),
        Index("ix_documents_tenant_id_document_date", "tenant_id", "document_date"),
        Index("ix_documents_tenant_id_state_order_number", "tenant_id", "state", "order_number"),
        Index("ix_documents_tenant_id_posted_at", "tenant_id", "posted_at"),
        Index("ix_documents_tenant_id_created_at", "tenant_id", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("tenants.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    type: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(40))
    record_key: Mapped[str] = mapped_column(String(255))
    number: Mapped[str | None] = mapped_column(String(64), nullable=True)
    order_number: Mapped[str | None] = mapped_column(String(64), nullable=True)
    document_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    currency: Mapped[str | None] = mapped_column(String(3), nullable=True)
    grand_total: Mapped[Decimal | None] = mapped_column(Numeric(14, 2), nullable=True)
    body: Mapped[str] = mapped_column(Text)
    """The encoded canonical document (``encode_document``)."""
    content_hash: Mapped[str] = mapped_column(String(64))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    sink: Mapped[str | None] = mapped_column(String(40), nullable=True)
    waiting_on: Mapped[str | None] = mapped_column(String(255), nullable=True)
    hold_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    hold_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    hold_subject: Mapped[str | None] = mapped_column(String(255), nullable=True)
    external_ids: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    sink_totals: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    """Totals as the sink's books computed them (for reconciliation and the variance report)."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class AuditEvent(TenantScoped, Base):
    """One step of one document, appended and never changed (the database refuses UPDATE and DELETE)."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_tenant_id_number", "tenant_id", "number"),
        Index("ix_audit_events_tenant_id_order_number", "tenant_id", "order_number"),
        Index("ix_audit_events_tenant_id_document_key", "tenant_id", "document_key"),
        Index("ix_audit_events_tenant_id_at", "tenant_id", "at"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(80))
    """``system``, ``user:<id>``, ``token:<id>`` or ``operator``."""
    action: Mapped[str] = mapped_column(String(40))
    document_key: Mapped[str | None] = mapped_column(String(255), nullable=True)
    number: Mapped[str | None] = mapped_column(String(64), nullable=True)
    order_number: Mapped[str | None] = mapped_column(String(64), nullable=True)
    source_ids: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    sink_ids: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    detail: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    request: Mapped[str | None] = mapped_column(Text, nullable=True)
    """The raw request sent outside (qbXML), when there was one."""
    response: Mapped[str | None] = mapped_column(Text, nullable=True)


class SinkSettingsRow(TenantScoped, Base):
    """A tenant's posting settings for its sink (validated against the sink's ``settings_schema``)."""

    __tablename__ = "sink_settings"

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
    sink: Mapped[str] = mapped_column(String(40), primary_key=True)
    settings: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(80), default="system")


class SyncSettingsRow(TenantScoped, Base):
    """A tenant's sync rhythm: when to leave the books alone, how often to read the store, how often the Web
    Connector polls. No row means the defaults (see :mod:`mlconnector.platform.sync.sync_settings`)."""

    __tablename__ = "sync_settings"
    __table_args__ = (
        CheckConstraint("read_interval_minutes BETWEEN 1 AND 1440", name="read_interval"),
        CheckConstraint("web_connector_interval_minutes BETWEEN 1 AND 1440", name="web_connector_interval"),
    )

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
    read_interval_minutes: Mapped[int] = mapped_column(Integer)
    web_connector_interval_minutes: Mapped[int] = mapped_column(Integer)
    pause_start: Mapped[str | None] = mapped_column(String(5), nullable=True)
    """``HH:MM`` local to ``pause_timezone``; the three pause columns are all set or all empty."""
    pause_end: Mapped[str | None] = mapped_column(String(5), nullable=True)
    pause_timezone: Mapped[str | None] = mapped_column(String(64), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(80), default="system")
