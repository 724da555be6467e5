"""conversations.message_count and last_message_id, kept by a trigger on messages

The history cache compares a conversation's message count and newest message id with
the database before every message. Reading them from the conversation row is O(1)
(counting the messages was O(n)), and because the row is locked before a message is
written, a writer waiting for that lock sees the values of the transaction it waited
for (PostgreSQL re-checks a locked row's latest version, but not the rows of other
tables, under READ COMMITTED). A trigger keeps them, so every way of inserting a
message counts.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION calmline_count_message() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE conversations
       SET message_count = message_count + 1,
           last_message_id = GREATEST(COALESCE(last_message_id, 0), NEW.id)
     WHERE id = NEW.conversation_id;
    RETURN NULL;
END
$$
"""
_PG_TRIGGER = (
    "CREATE TRIGGER messages_count AFTER INSERT ON messages FOR EACH ROW EXECUTE FUNCTION calmline_count_message()"
)
_SQLITE_TRIGGER = """
CREATE TRIGGER messages_count AFTER INSERT ON messages
BEGIN
    UPDATE conversations
       SET message_count = message_count + 1,
           last_message_id = max(COALESCE(last_message_id, 0), NEW.id)
     WHERE id = NEW.conversation_id;
END
"""


def upgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("message_count", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("last_message_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE conversations SET "
        "message_count = (SELECT count(m.id) FROM messages m WHERE m.conversation_id = conversations.id), "
        "last_message_id = (SELECT max(m.id) FROM messages m WHERE m.conversation_id = conversations.id)"
    )
    if _is_pg():
        op.execute(_PG_FUNCTION)
        op.execute(_PG_TRIGGER)
    else:
        op.execute(_SQLITE_TRIGGER)


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS messages_count" + (" ON messages" if _is_pg() else ""))
    if _is_pg():
        op.execute("DROP FUNCTION IF EXISTS calmline_count_message()")
    # plain ALTER TABLE ... DROP COLUMN (SQLite >= 3.35): a batch copy of the table would trip
    # the foreign keys of the tables that reference conversations
    op.drop_column("conversations", "last_message_id")
    op.drop_column("conversations", "message_count")


def _is_pg() -> bool:
    return op.get_bind().dialect.name == "postgresql"
