"""qbd: a session's writes due when it started, counted once (the Web Connector's percentage)

Revision ID: qbd_0004_ticket_expected
Revises: qbd_0003_write_waiters
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "qbd_0004_ticket_expected"
down_revision = "qbd_0003_write_waiters"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("qbd_tickets", sa.Column("expected", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("qbd_tickets") as batch:
        batch.drop_column("expected")
