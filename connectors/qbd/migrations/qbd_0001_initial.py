"""qbd: Web Connector connections, tickets, the write state machine, identities, raw responses, the list catalog

Revision ID: qbd_0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from mlconnector.platform.plugins import JSONDocument, UTCDateTime, isolate_tenant_table, release_tenant_table

revision = "qbd_0001"
down_revision = None
branch_labels = ("qbd",)
depends_on = "0001_core"

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TABLES = (
    "qbd_connections",
    "qbd_tickets",
    "qbd_writes",
    "qbd_write_links",
    "qbd_identities",
    "qbd_responses",
    "qbd_catalog",
)


def _tenant(table: str) -> list[sa.SchemaItem]:
    return [
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=f"fk_{table}_tenant_id_tenants", ondelete="CASCADE"
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "qbd_connections",
        *_tenant("qbd_connections"),
        sa.Column("username", sa.String(63), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=True),
        sa.Column("password_set_at", UTCDateTime(), nullable=True),
        sa.Column("file_id", sa.String(38), nullable=False),
        sa.Column("run_every_minutes", sa.Integer(), nullable=False),
        sa.Column("batch_size", sa.Integer(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", UTCDateTime(), nullable=True),
        sa.Column("company_name", sa.String(255), nullable=True),
        sa.Column("company_file_id", sa.String(64), nullable=True),
        sa.Column("company_path", sa.Text(), nullable=True),
        sa.Column("pinned_at", UTCDateTime(), nullable=True),
        sa.Column("qb_product", sa.String(120), nullable=True),
        sa.Column("qb_country", sa.String(8), nullable=True),
        sa.Column("qbxml_version", sa.String(8), nullable=True),
        sa.Column("closing_date", sa.Date(), nullable=True),
        sa.Column("hcp_response", sa.Text(), nullable=True),
        sa.Column("hcp_received_at", UTCDateTime(), nullable=True),
        sa.Column("refused_company", JSONDocument, nullable=True),
        sa.Column("last_contact_at", UTCDateTime(), nullable=True),
        sa.Column("last_result", sa.String(32), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", name="pk_qbd_connections"),
        sa.UniqueConstraint("username", name="uq_qbd_connections_username"),
    )
    op.create_table(
        "qbd_tickets",
        sa.Column("id", sa.Uuid(), nullable=False),
        *_tenant("qbd_tickets"),
        sa.Column("ticket_hash", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("client_version", sa.String(32), nullable=True),
        sa.Column("company_checked", sa.Boolean(), nullable=False),
        sa.Column("company_path", sa.Text(), nullable=True),
        sa.Column("batch_size", sa.Integer(), nullable=False),
        sa.Column("completed", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", UTCDateTime(), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_qbd_tickets"),
        sa.UniqueConstraint("ticket_hash", name="uq_qbd_tickets_ticket_hash"),
    )
    op.create_index("ix_qbd_tickets_tenant_id_state", "qbd_tickets", ["tenant_id", "state"])
    op.create_table(
        "qbd_writes",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        *_tenant("qbd_writes"),
        sa.Column("document_key", sa.String(255), nullable=False),
        sa.Column("operation_key", sa.String(255), nullable=False),
        sa.Column("object_type", sa.String(40), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("step", sa.String(16), nullable=False),
        sa.Column("request", sa.Text(), nullable=False),
        sa.Column("bindings", JSONDocument, nullable=False),
        sa.Column("min_version", sa.String(8), nullable=False),
        sa.Column("match", JSONDocument, nullable=False),
        sa.Column("notes", JSONDocument, nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("solo", sa.Boolean(), nullable=False),
        sa.Column("ticket_id", sa.Uuid(), nullable=True),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("sent_version", sa.String(8), nullable=True),
        sa.Column("sent_request", sa.Text(), nullable=True),
        sa.Column("response", sa.Text(), nullable=True),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("status_message", sa.Text(), nullable=True),
        sa.Column("result_id", sa.String(36), nullable=True),
        sa.Column("edit_sequence", sa.String(32), nullable=True),
        sa.Column("reason_code", sa.String(40), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("not_before", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_qbd_writes"),
        sa.UniqueConstraint("tenant_id", "operation_key", name="uq_qbd_writes_tenant_id_operation_key"),
    )
    op.create_index("ix_qbd_writes_tenant_id_state_id", "qbd_writes", ["tenant_id", "state", "id"])
    op.create_index("ix_qbd_writes_tenant_id_document_key", "qbd_writes", ["tenant_id", "document_key"])
    op.create_index("ix_qbd_writes_tenant_id_ticket_id_state", "qbd_writes", ["tenant_id", "ticket_id", "state"])
    op.create_table(
        "qbd_write_links",
        *_tenant("qbd_write_links"),
        sa.Column("child_id", ID, nullable=False),
        sa.Column("parent_key", sa.String(255), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "child_id", "parent_key", name="pk_qbd_write_links"),
        sa.ForeignKeyConstraint(
            ["child_id"], ["qbd_writes.id"], name="fk_qbd_write_links_child_id_qbd_writes", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_qbd_write_links_tenant_id_parent_key", "qbd_write_links", ["tenant_id", "parent_key"])
    op.create_table(
        "qbd_identities",
        *_tenant("qbd_identities"),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("object_type", sa.String(40), nullable=False),
        sa.Column("qb_id", sa.String(36), nullable=False),
        sa.Column("edit_sequence", sa.String(32), nullable=True),
        sa.Column("ref_number", sa.String(32), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("external_guid", sa.String(38), nullable=True),
        sa.Column("content_hash", sa.String(64), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "key", name="pk_qbd_identities"),
        sa.UniqueConstraint("tenant_id", "object_type", "qb_id", name="uq_qbd_identities_tenant_id_object_type_qb_id"),
    )
    op.create_table(
        "qbd_responses",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        *_tenant("qbd_responses"),
        sa.Column("ticket_id", sa.Uuid(), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("hresult", sa.String(16), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("processed_at", UTCDateTime(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_qbd_responses"),
    )
    op.create_index("ix_qbd_responses_tenant_id_processed_at", "qbd_responses", ["tenant_id", "processed_at"])
    op.create_table(
        "qbd_catalog",
        *_tenant("qbd_catalog"),
        sa.Column("list_type", sa.String(24), nullable=False),
        sa.Column("list_id", sa.String(36), nullable=False),
        sa.Column("full_name", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("subtype", sa.String(40), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("refreshed_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "list_type", "list_id", name="pk_qbd_catalog"),
    )
    for table in TABLES:
        isolate_tenant_table(op, table)


def downgrade() -> None:
    for table in reversed(TABLES):
        release_tenant_table(op, table)
    op.drop_table("qbd_catalog")
    op.drop_index("ix_qbd_responses_tenant_id_processed_at", table_name="qbd_responses")
    op.drop_table("qbd_responses")
    op.drop_table("qbd_identities")
    op.drop_index("ix_qbd_write_links_tenant_id_parent_key", table_name="qbd_write_links")
    op.drop_table("qbd_write_links")
    op.drop_index("ix_qbd_writes_tenant_id_ticket_id_state", table_name="qbd_writes")
    op.drop_index("ix_qbd_writes_tenant_id_document_key", table_name="qbd_writes")
    op.drop_index("ix_qbd_writes_tenant_id_state_id", table_name="qbd_writes")
    op.drop_table("qbd_writes")
    op.drop_index("ix_qbd_tickets_tenant_id_state", table_name="qbd_tickets")
    op.drop_table("qbd_tickets")
    op.drop_table("qbd_connections")
