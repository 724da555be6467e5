"""accommodations: refunds, credits, waived fees and exceptions with who approved them

Revision ID: 0007
Revises: 0004
Create Date: 2026-12-06 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "accommodations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("conversation_id", sa.String(length=40), nullable=False),
        sa.Column("team", sa.String(length=120), nullable=False),
        sa.Column("agent", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.Float(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("approved_by", sa.String(length=120), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=True),
        sa.Column("frustration", sa.Float(), nullable=True),
        sa.Column("customer_value", sa.Float(), nullable=True),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversations.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("accommodations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_accommodations_conversation_id"), ["conversation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_accommodations_team"), ["team"], unique=False)
        batch_op.create_index(batch_op.f("ix_accommodations_agent"), ["agent"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("accommodations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_accommodations_agent"))
        batch_op.drop_index(batch_op.f("ix_accommodations_team"))
        batch_op.drop_index(batch_op.f("ix_accommodations_conversation_id"))
    op.drop_table("accommodations")
