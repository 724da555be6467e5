"""external ids unique per team, not across the whole installation

A helpdesk's conversation id (``external_id``) used to be unique over every team, and the
inbound webhook posted into whichever conversation held it: a message addressed to one
team could land in another team's conversation, and creating a conversation with another
team's id answered 409, which told an agent that the id existed. Ids are now looked up and
unique per ``(team, external_id)``.

The id moves to a new column, ``external_ref``, with a unique index on ``(team, external_ref)``:
SQLite cannot drop the old column's unnamed UNIQUE constraint without copying the table
(which the foreign keys of the tables referencing conversations forbid), so the old column
stays, emptied (NULLs never collide). On PostgreSQL its constraint is dropped as well.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 14:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("conversations", sa.Column("external_ref", sa.String(length=200), nullable=True))
    op.execute("UPDATE conversations SET external_ref = external_id, external_id = NULL WHERE external_id IS NOT NULL")
    op.create_index("uq_conversations_team_external", "conversations", ["team", "external_ref"], unique=True)
    if _is_pg():
        op.execute("ALTER TABLE conversations DROP CONSTRAINT IF EXISTS conversations_external_id_key")


def downgrade() -> None:
    # Back to one id space: fails (unique violation) if two teams now share an id, which is the
    # point of this revision; resolve such pairs by hand before downgrading.
    op.drop_index("uq_conversations_team_external", table_name="conversations")
    op.execute("UPDATE conversations SET external_id = external_ref WHERE external_ref IS NOT NULL")
    if _is_pg():
        op.execute("ALTER TABLE conversations ADD CONSTRAINT conversations_external_id_key UNIQUE (external_id)")
    op.drop_column("conversations", "external_ref")


def _is_pg() -> bool:
    return op.get_bind().dialect.name == "postgresql"
