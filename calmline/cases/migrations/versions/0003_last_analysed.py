"""conversations.last_analysed_message_id: only the newest analysis sets the conversation's state

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("last_analysed_message_id", sa.Integer(), nullable=True))
    # Existing conversations: their newest analysed message already set the state.
    op.execute(
        "UPDATE conversations SET last_analysed_message_id = "
        "(SELECT max(m.id) FROM messages m WHERE m.conversation_id = conversations.id AND m.status = 'analysed')"
    )


def downgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("last_analysed_message_id")
