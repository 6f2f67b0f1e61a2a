"""testplug: its own table

Revision ID: testplug_0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "testplug_0001"
down_revision = None
branch_labels = ("testplug",)
depends_on = "0001_core"


def upgrade() -> None:
    op.create_table(
        "testplug_items", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("tenant_id", sa.Uuid())
    )


def downgrade() -> None:
    op.drop_table("testplug_items")
