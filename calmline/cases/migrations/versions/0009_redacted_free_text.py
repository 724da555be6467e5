"""free text that is redacted on write is stored as text of any length

``accommodations.topic`` (200), ``disputes.label`` (120), ``disputes.expected`` (200) and
``escalations.to`` (200) are redacted when the engine redacts; a
redaction token can be longer than what it replaces ("[email]" for "a@b.co"), so a value at the
API's length limit could overflow the column on PostgreSQL. They become ``TEXT``, as every other
redacted column is.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 19:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


#: (table, column, former length, nullable)
_COLUMNS = (
    ("accommodations", "topic", 200, True),
    ("disputes", "label", 120, True),
    ("disputes", "expected", 200, True),
    ("escalations", "to", 200, False),
)


def upgrade() -> None:
    for table, column, length, nullable in _COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                column, existing_type=sa.String(length=length), type_=sa.Text(), existing_nullable=nullable
            )


def downgrade() -> None:
    """Back to the former lengths; a longer value (only a redacted one can be) is cut to fit."""
    postgres = op.get_bind().dialect.name == "postgresql"
    for table, column, length, nullable in reversed(_COLUMNS):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                column,
                existing_type=sa.Text(),
                type_=sa.String(length=length),
                existing_nullable=nullable,
                postgresql_using=f'left("{column}", {length})' if postgres else None,
            )
