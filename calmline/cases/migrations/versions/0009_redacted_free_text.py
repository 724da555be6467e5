"""free text that is redacted on write is stored as text of any length

``accommodations.topic`` (200) and ``disputes.label`` (120) are redacted when the engine redacts; a
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


def upgrade() -> None:
    with op.batch_alter_table("accommodations", schema=None) as batch_op:
        batch_op.alter_column("topic", existing_type=sa.String(length=200), type_=sa.Text(), existing_nullable=True)
    with op.batch_alter_table("disputes", schema=None) as batch_op:
        batch_op.alter_column("label", existing_type=sa.String(length=120), type_=sa.Text(), existing_nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("disputes", schema=None) as batch_op:
        batch_op.alter_column("label", existing_type=sa.Text(), type_=sa.String(length=120), existing_nullable=True)
    with op.batch_alter_table("accommodations", schema=None) as batch_op:
        batch_op.alter_column("topic", existing_type=sa.Text(), type_=sa.String(length=200), existing_nullable=True)
