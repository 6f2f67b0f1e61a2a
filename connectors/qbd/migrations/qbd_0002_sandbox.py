"""qbd: simulated books for sandbox tenants (how they were stocked, the requests they ran)

Revision ID: qbd_0002_sandbox
Revises: qbd_0001
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from mlconnector.platform.plugins import JSONDocument, UTCDateTime, isolate_tenant_table, release_tenant_table

revision = "qbd_0002_sandbox"
down_revision = "qbd_0001"
branch_labels = None
depends_on = None

TABLES = ("qbd_sandbox_books", "qbd_sandbox_requests")


def _tenant(table: str) -> list[sa.SchemaItem]:
    return [
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=f"fk_{table}_tenant_id_tenants", ondelete="CASCADE"
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "qbd_sandbox_books",
        *_tenant("qbd_sandbox_books"),
        sa.Column("stock", JSONDocument, nullable=False),
        sa.Column("sealed_password", sa.LargeBinary(), nullable=False),
        sa.Column("cycles", sa.Integer(), nullable=False),
        sa.Column("last_cycle_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", name="pk_qbd_sandbox_books"),
    )
    op.create_table(
        "qbd_sandbox_requests",
        *_tenant("qbd_sandbox_requests"),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("qbxml", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "seq", name="pk_qbd_sandbox_requests"),
    )
    for table in TABLES:
        isolate_tenant_table(op, table)


def downgrade() -> None:
    for table in reversed(TABLES):
        release_tenant_table(op, table)
    op.drop_table("qbd_sandbox_requests")
    op.drop_table("qbd_sandbox_books")
