"""sync settings: per-tenant pause window, Commerce read interval and Web Connector interval; indexes that keep
the dashboard's document lists and "posted today" figures fast at 100k documents per tenant

Revision ID: 0004_sync_settings
Revises: 0003_accounts
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from mlconnector.platform.db.rls import isolate_tenant_table, release_tenant_table
from mlconnector.platform.db.types import UTCDateTime

revision = "0004_sync_settings"
down_revision = "0003_accounts"
branch_labels = None
depends_on = None

DOCUMENT_INDEXES = {
    "ix_documents_tenant_id_state_order_number": ["tenant_id", "state", "order_number"],
    "ix_documents_tenant_id_posted_at": ["tenant_id", "posted_at"],
    "ix_documents_tenant_id_created_at": ["tenant_id", "created_at"],
}
SUPERSEDED = ("ix_documents_tenant_id_state", ["tenant_id", "state"])
"""(tenant_id, state) is a prefix of the new (tenant_id, state, order_number): one index fewer to write."""


def upgrade() -> None:
    op.create_table(
        "sync_settings",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("read_interval_minutes", sa.Integer(), nullable=False),
        sa.Column("web_connector_interval_minutes", sa.Integer(), nullable=False),
        sa.Column("pause_start", sa.String(5), nullable=True),
        sa.Column("pause_end", sa.String(5), nullable=True),
        sa.Column("pause_timezone", sa.String(64), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.String(80), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", name="pk_sync_settings"),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name="fk_sync_settings_tenant_id_tenants", ondelete="CASCADE"
        ),
        sa.CheckConstraint("read_interval_minutes BETWEEN 1 AND 1440", name="ck_sync_settings_read_interval"),
        sa.CheckConstraint(
            "web_connector_interval_minutes BETWEEN 1 AND 1440", name="ck_sync_settings_web_connector_interval"
        ),
    )
    isolate_tenant_table(op, "sync_settings")
    for name, columns in DOCUMENT_INDEXES.items():
        op.create_index(name, "documents", columns)
    op.drop_index(SUPERSEDED[0], table_name="documents")


def downgrade() -> None:
    op.create_index(SUPERSEDED[0], "documents", SUPERSEDED[1])
    for name in DOCUMENT_INDEXES:
        op.drop_index(name, table_name="documents")
    release_tenant_table(op, "sync_settings")
    op.drop_table("sync_settings")
