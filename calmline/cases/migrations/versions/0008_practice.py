"""practice sessions (the practice simulator)

Revision ID: 0008
Revises: 0004
Create Date: 2026-12-06 15:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "practice_sessions",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("agent", sa.String(length=120), nullable=False),
        sa.Column("team", sa.String(length=120), nullable=False),
        sa.Column("persona", sa.String(length=64), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("replies", sa.JSON(), nullable=False),
        sa.Column("transcript", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("practice_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_practice_sessions_agent"), ["agent"], unique=False)
        batch_op.create_index(batch_op.f("ix_practice_sessions_team"), ["team"], unique=False)
        batch_op.create_index(batch_op.f("ix_practice_sessions_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("practice_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_practice_sessions_status"))
        batch_op.drop_index(batch_op.f("ix_practice_sessions_team"))
        batch_op.drop_index(batch_op.f("ix_practice_sessions_agent"))
    op.drop_table("practice_sessions")
