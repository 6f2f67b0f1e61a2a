"""sync: source records, read cursors, sink outcomes, documents, audit trail, sink settings

Revision ID: 0002_sync
Revises: 0001_core
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from mlconnector.platform.db.rls import isolate_tenant_table, release_tenant_table
from mlconnector.platform.db.types import JSONDocument, UTCDateTime

revision = "0002_sync"
down_revision = "0001_core"
branch_labels = None
depends_on = None

TENANT_FK = {"ondelete": "CASCADE"}
TENANT_TABLES = ("source_records", "read_cursors", "sink_outcomes", "documents", "audit_events", "sink_settings")


def upgrade() -> None:
    op.create_table(
        "source_records",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("stream", sa.String(40), nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("source_id", sa.String(64), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("payload", JSONDocument, nullable=False),
        sa.Column("source_updated_at", UTCDateTime(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("first_seen_at", UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", UTCDateTime(), nullable=False),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_source_records"),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name="fk_source_records_tenant_id_tenants", **TENANT_FK),
        sa.UniqueConstraint("tenant_id", "source", "stream", "key", name="uq_source_records_identity"),
    )
    op.create_index(
        "ix_source_records_tenant_id_source_updated", "source_records", ["tenant_id", "source", "source_updated_at"]
    )
    op.create_table(
        "read_cursors",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("stream", sa.String(40), nullable=False),
        sa.Column("cursor", sa.Text(), nullable=True),
        sa.Column("records_read", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "source", "stream", name="pk_read_cursors"),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name="fk_read_cursors_tenant_id_tenants", **TENANT_FK),
    )
    op.create_table(
        "sink_outcomes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("sink", sa.String(40), nullable=False),
        sa.Column("document_key", sa.String(255), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("outcome", JSONDocument, nullable=False),
        sa.Column("reported_at", UTCDateTime(), nullable=False),
        sa.Column("consumed_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_sink_outcomes"),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name="fk_sink_outcomes_tenant_id_tenants", **TENANT_FK),
    )
    op.create_index("ix_sink_outcomes_tenant_id_document_key", "sink_outcomes", ["tenant_id", "document_key"])
    op.create_table(
        "documents",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("record_key", sa.String(255), nullable=False),
        sa.Column("number", sa.String(64), nullable=True),
        sa.Column("order_number", sa.String(64), nullable=True),
        sa.Column("document_date", sa.Date(), nullable=True),
        sa.Column("currency", sa.String(3), nullable=True),
        sa.Column("grand_total", sa.Numeric(14, 2), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("sink", sa.String(40), nullable=True),
        sa.Column("waiting_on", sa.String(255), nullable=True),
        sa.Column("hold_code", sa.String(40), nullable=True),
        sa.Column("hold_reason", sa.Text(), nullable=True),
        sa.Column("hold_subject", sa.String(255), nullable=True),
        sa.Column("external_ids", JSONDocument, nullable=False),
        sa.Column("sink_totals", JSONDocument, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("posted_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_documents"),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name="fk_documents_tenant_id_tenants", **TENANT_FK),
        sa.UniqueConstraint("tenant_id", "key", name="uq_documents_tenant_id_key"),
    )
    for column in ("state", "number", "order_number", "waiting_on", "document_date"):
        op.create_index(f"ix_documents_tenant_id_{column}", "documents", ["tenant_id", column])
    op.create_table(
        "audit_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("document_key", sa.String(255), nullable=True),
        sa.Column("number", sa.String(64), nullable=True),
        sa.Column("order_number", sa.String(64), nullable=True),
        sa.Column("source_ids", JSONDocument, nullable=False),
        sa.Column("sink_ids", JSONDocument, nullable=False),
        sa.Column("detail", JSONDocument, nullable=False),
        sa.Column("request", sa.Text(), nullable=True),
        sa.Column("response", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_audit_events"),
    )
    for column in ("number", "order_number", "document_key", "at"):
        op.create_index(f"ix_audit_events_tenant_id_{column}", "audit_events", ["tenant_id", column])
    _make_append_only("audit_events")
    op.create_table(
        "sink_settings",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("sink", sa.String(40), nullable=False),
        sa.Column("settings", JSONDocument, nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.String(80), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "sink", name="pk_sink_settings"),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name="fk_sink_settings_tenant_id_tenants", **TENANT_FK),
    )
    for table in TENANT_TABLES:
        isolate_tenant_table(op, table)


def _make_append_only(table: str) -> None:
    """Refuse UPDATE and DELETE in the database itself, whoever asks (a trigger on both backends)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION 'the audit trail is append-only: % is not allowed', TG_OP; END $$"
        )
        op.execute(
            f'CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON "{table}" '
            "FOR EACH ROW EXECUTE FUNCTION refuse_audit_change()"
        )
        return
    for verb in ("UPDATE", "DELETE"):
        op.execute(
            f'CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON "{table}" '
            f"BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: {verb} is not allowed'); END"
        )


def downgrade() -> None:
    for table in reversed(TENANT_TABLES):
        release_tenant_table(op, table)
    op.drop_table("sink_settings")
    op.drop_table("audit_events")  # drops its triggers too
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS refuse_audit_change()")
    for column in ("state", "number", "order_number", "waiting_on", "document_date"):
        op.drop_index(f"ix_documents_tenant_id_{column}", table_name="documents")
    op.drop_table("documents")
    op.drop_index("ix_sink_outcomes_tenant_id_document_key", table_name="sink_outcomes")
    op.drop_table("sink_outcomes")
    op.drop_table("read_cursors")
    op.drop_index("ix_source_records_tenant_id_source_updated", table_name="source_records")
    op.drop_table("source_records")
