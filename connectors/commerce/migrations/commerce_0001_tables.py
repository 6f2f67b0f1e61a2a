"""commerce: IMS token slots and webhook endpoints

Revision ID: commerce_0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from mlconnector.platform.plugins import UTCDateTime, isolate_tenant_table, release_tenant_table

revision = "commerce_0001"
down_revision = None
branch_labels = ("commerce",)
depends_on = "0001_core"


def upgrade() -> None:
    op.create_table(
        "commerce_ims_tokens",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("credential", sa.String(64), nullable=False),
        sa.Column("sealed_token", sa.Text(), nullable=True),
        sa.Column("expires_at", UTCDateTime(), nullable=True),
        sa.Column("refresh_at", UTCDateTime(), nullable=True),
        sa.Column("refreshes", sa.Integer(), nullable=False),
        sa.Column("locked_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "credential", name="pk_commerce_ims_tokens"),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name="fk_commerce_ims_tokens_tenant_id_tenants", ondelete="CASCADE"
        ),
    )
    isolate_tenant_table(op, "commerce_ims_tokens")
    op.create_table(
        "commerce_webhook_endpoints",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("io_client_id", sa.String(64), nullable=True),
        sa.Column("commerce_public_key", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_commerce_webhook_endpoints"),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name="fk_commerce_webhook_endpoints_tenant_id_tenants", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("tenant_id", name="uq_commerce_webhook_endpoints_tenant_id"),
    )
    isolate_tenant_table(op, "commerce_webhook_endpoints")


def downgrade() -> None:
    release_tenant_table(op, "commerce_webhook_endpoints")
    op.drop_table("commerce_webhook_endpoints")
    release_tenant_table(op, "commerce_ims_tokens")
    op.drop_table("commerce_ims_tokens")
