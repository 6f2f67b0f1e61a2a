"""The sink's own tables. All are tenant tables (a leading ``tenant_id``, row-level security on PostgreSQL).

They live in their own ``MetaData`` (same naming convention as the core's ``Base``): the core compares its models
with its own migrations, and a plugin's tables belong to the plugin's migration branch (``qbd``), checked by this
plugin's own test. ``tenants`` appears here only as the target of the foreign keys.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from mlconnector.platform.plugins import Base, JSONDocument, UTCDateTime, utcnow

ID = BigInteger().with_variant(Integer, "sqlite")


class QbdBase(DeclarativeBase):
    metadata = MetaData(naming_convention=Base.metadata.naming_convention)


TENANTS = Table("tenants", QbdBase.metadata, Column("id", Uuid, primary_key=True))
"""The core's table, declared only so foreign keys resolve."""


def _tenant_fk() -> ForeignKey:
    return ForeignKey("tenants.id", ondelete="CASCADE")


class Connection(QbdBase):
    """One tenant's Web Connector link: credentials, throttling, the pinned company file, what the last session saw."""

    __tablename__ = "qbd_connections"

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, _tenant_fk(), primary_key=True)
    username: Mapped[str] = mapped_column(String(63), unique=True)
    """The .qwc ``UserName``; how ``authenticate`` finds the tenant."""
    password_hash: Mapped[str | None] = mapped_column(Text, nullable=True)
    """``sha256$<hex digest>`` of the generated password (argon2id before; upgraded at the next login); ``None``
    until ``mlc qbwc password`` sets one."""
    password_set_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    file_id: Mapped[str] = mapped_column(String(38))
    """The .qwc ``FileID`` GUID the Web Connector stamps into the company file."""
    run_every_minutes: Mapped[int] = mapped_column(Integer, default=15)
    batch_size: Mapped[int] = mapped_column(Integer, default=10)
    """How many independent requests go into one exchange."""
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    company_name: Mapped[str | None] = mapped_column(String(255), nullable=True)
    company_file_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    company_path: Mapped[str | None] = mapped_column(Text, nullable=True)
    pinned_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    qb_product: Mapped[str | None] = mapped_column(String(120), nullable=True)
    qb_country: Mapped[str | None] = mapped_column(String(8), nullable=True)
    qbxml_version: Mapped[str | None] = mapped_column(String(8), nullable=True)
    """The highest qbXML version QuickBooks announced."""
    closing_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    hcp_response: Mapped[str | None] = mapped_column(Text, nullable=True)
    hcp_received_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    refused_company: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument, nullable=True)
    """The company file a session came from when it was refused (name, path, FileID, when)."""
    last_contact_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_result: Mapped[str | None] = mapped_column(String(32), nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Ticket(QbdBase):
    """One Web Connector update session. The ticket itself is never stored, only its SHA-256."""

    __tablename__ = "qbd_tickets"
    __table_args__ = (Index("ix_qbd_tickets_tenant_id_state", "tenant_id", "state"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, _tenant_fk())
    ticket_hash: Mapped[str] = mapped_column(String(64), unique=True)
    state: Mapped[str] = mapped_column(String(16))
    """``open``, ``closed``, ``expired``, ``superseded``, ``refused``."""
    client_version: Mapped[str | None] = mapped_column(String(32), nullable=True)
    company_checked: Mapped[bool] = mapped_column(Boolean, default=False)
    company_path: Mapped[str | None] = mapped_column(Text, nullable=True)
    batch_size: Mapped[int] = mapped_column(Integer, default=10)
    """The connection's batch size when the session started (saves a read per exchange)."""
    completed: Mapped[int] = mapped_column(Integer, default=0)
    """Writes answered in this session (the numerator of the honest percentage)."""
    expected: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Writes due when the session started, counted once (the denominator's floor: an exchange counts only a few)."""
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Write(QbdBase):
    """One QuickBooks request and its state: pending → sent → applied | failed | held | in_doubt."""

    __tablename__ = "qbd_writes"
    __table_args__ = (
        UniqueConstraint("tenant_id", "operation_key", name="uq_qbd_writes_tenant_id_operation_key"),
        Index("ix_qbd_writes_tenant_id_state_id", "tenant_id", "state", "id"),
        Index("ix_qbd_writes_tenant_id_document_key", "tenant_id", "document_key"),
        Index("ix_qbd_writes_tenant_id_ticket_id_state", "tenant_id", "ticket_id", "state"),
    )

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, _tenant_fk())
    document_key: Mapped[str] = mapped_column(String(255))
    operation_key: Mapped[str] = mapped_column(String(255))
    object_type: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16))
    step: Mapped[str] = mapped_column(String(16), default="write")
    """What goes out next for this write: ``write``, ``reconcile``, ``names``, ``refresh``."""
    request: Mapped[str] = mapped_column(Text)
    """The request element exactly as validated (no requestID; bindings filled in at send time)."""
    bindings: Mapped[list[dict[str, Any]]] = mapped_column(JSONDocument, default=list)
    min_version: Mapped[str] = mapped_column(String(8), default="1.0")
    match: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    """Reconciliation markers (RefNumber, ExternalGUID, name, e-mail, amount) and step state (iterators)."""
    notes: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    """Text-policy substitutions and the operation summary, for the dashboard and the audit."""
    attempt: Mapped[int] = mapped_column(Integer, default=0)
    solo: Mapped[bool] = mapped_column(Boolean, default=False)
    ticket_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    sent_version: Mapped[str | None] = mapped_column(String(8), nullable=True)
    sent_request: Mapped[str | None] = mapped_column(Text, nullable=True)
    """The exact request as last sent (with its requestID), when it differs from ``request``."""
    response: Mapped[str | None] = mapped_column(Text, nullable=True)
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    result_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    edit_sequence: Mapped[str | None] = mapped_column(String(32), nullable=True)
    reason_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    not_before: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WriteLink(QbdBase):
    """A write waits for another (by operation key) to be applied: invoice after customer, payment after invoice."""

    __tablename__ = "qbd_write_links"
    __table_args__ = (Index("ix_qbd_write_links_tenant_id_parent_key", "tenant_id", "parent_key"),)

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, _tenant_fk(), primary_key=True)
    child_id: Mapped[int] = mapped_column(ID, ForeignKey("qbd_writes.id", ondelete="CASCADE"), primary_key=True)
    parent_key: Mapped[str] = mapped_column(String(255), primary_key=True)


class WriteWaiter(QbdBase):
    """A document that needs a write another document queued (a buyer's CustomerAdd, queued by the first of their
    invoices to be planned): the document is finished when that write is, and is told so with the write's owner."""

    __tablename__ = "qbd_write_waiters"
    __table_args__ = (Index("ix_qbd_write_waiters_tenant_id_document_key", "tenant_id", "document_key"),)

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, _tenant_fk(), primary_key=True)
    write_id: Mapped[int] = mapped_column(ID, ForeignKey("qbd_writes.id", ondelete="CASCADE"), primary_key=True)
    document_key: Mapped[str] = mapped_column(String(255), primary_key=True)


class Identity(QbdBase):
    """A Commerce key ↔ the QuickBooks object made for it. Checked before any Add; one object per key and per id."""

    __tablename__ = "qbd_identities"
    __table_args__ = (
        UniqueConstraint("tenant_id", "object_type", "qb_id", name="uq_qbd_identities_tenant_id_object_type_qb_id"),
    )

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, _tenant_fk(), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    object_type: Mapped[str] = mapped_column(String(40))
    qb_id: Mapped[str] = mapped_column(String(36))
    edit_sequence: Mapped[str | None] = mapped_column(String(32), nullable=True)
    ref_number: Mapped[str | None] = mapped_column(String(32), nullable=True)
    name: Mapped[str | None] = mapped_column(Text, nullable=True)
    external_guid: Mapped[str | None] = mapped_column(String(38), nullable=True)
    content_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ResponseLog(QbdBase):
    """Every receiveResponseXML body, stored before it is processed (replayed if processing failed)."""

    __tablename__ = "qbd_responses"
    __table_args__ = (Index("ix_qbd_responses_tenant_id_processed_at", "tenant_id", "processed_at"),)

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, _tenant_fk())
    ticket_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    hresult: Mapped[str | None] = mapped_column(String(16), nullable=True)
    message: Mapped[str | None] = mapped_column(Text, nullable=True)
    body: Mapped[str] = mapped_column(Text)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)


class CatalogEntry(QbdBase):
    """A QuickBooks list object read by a query (items, accounts, payment methods), to check mappings against."""

    __tablename__ = "qbd_catalog"

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, _tenant_fk(), primary_key=True)
    list_type: Mapped[str] = mapped_column(String(24), primary_key=True)
    list_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    full_name: Mapped[str] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(Text, nullable=True)
    subtype: Mapped[str | None] = mapped_column(String(40), nullable=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    refreshed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


TABLES = (
    "qbd_connections",
    "qbd_tickets",
    "qbd_writes",
    "qbd_write_links",
    "qbd_identities",
    "qbd_responses",
    "qbd_catalog",
)


class SandboxBooks(QbdBase):
    """A sandbox tenant's simulated company file: how it was stocked, and the Web Connector password its
    simulated Web Connector signs in with (sealed with the tenant's vault key). Its presence marks the tenant's
    books as simulated: a real Web Connector is refused."""

    __tablename__ = "qbd_sandbox_books"

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, _tenant_fk(), primary_key=True)
    stock: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    """``{"items": [[name, ret tag], …], "payment_methods": […]}`` in the order they were added."""
    sealed_password: Mapped[bytes] = mapped_column(LargeBinary)
    cycles: Mapped[int] = mapped_column(Integer, default=0)
    last_cycle_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SandboxRequest(QbdBase):
    """Every qbXML request the simulated QuickBooks has run, in order: replaying them on the stocked file rebuilds
    it exactly in any process (the simulator is deterministic), so the books survive restarts and workers."""

    __tablename__ = "qbd_sandbox_requests"

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, _tenant_fk(), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    qbxml: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
