"""sync: source records, read cursors, sink outcomes

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
    for table in ("source_records", "read_cursors", "sink_outcomes"):
        isolate_tenant_table(op, table)


def downgrade() -> None:
    for table in ("sink_outcomes", "read_cursors", "source_records"):
        release_tenant_table(op, table)
    op.drop_index("ix_sink_outcomes_tenant_id_document_key", table_name="sink_outcomes")
    op.drop_table("sink_outcomes")
    op.drop_table("read_cursors")
    op.drop_index("ix_source_records_tenant_id_source_updated", table_name="source_records")
    op.drop_table("source_records")
