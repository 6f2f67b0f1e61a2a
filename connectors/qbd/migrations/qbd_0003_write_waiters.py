"""qbd: documents waiting on a write another document queued (a shared buyer's CustomerAdd)

Revision ID: qbd_0003_write_waiters
Revises: qbd_0002_sandbox
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from mlconnector.platform.plugins import isolate_tenant_table, release_tenant_table

revision = "qbd_0003_write_waiters"
down_revision = "qbd_0002_sandbox"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TABLE = "qbd_write_waiters"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("write_id", ID, nullable=False),
        sa.Column("document_key", sa.String(255), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=f"fk_{TABLE}_tenant_id_tenants", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["write_id"], ["qbd_writes.id"], name=f"fk_{TABLE}_write_id_qbd_writes", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("tenant_id", "write_id", "document_key", name=f"pk_{TABLE}"),
    )
    op.create_index(f"ix_{TABLE}_tenant_id_document_key", TABLE, ["tenant_id", "document_key"])
    isolate_tenant_table(op, TABLE)


def downgrade() -> None:
    release_tenant_table(op, TABLE)
    op.drop_index(f"ix_{TABLE}_tenant_id_document_key", table_name=TABLE)
    op.drop_table(TABLE)
