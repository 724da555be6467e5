"""Alembic environment: applied programmatically by :func:`calmline.cases.db.migrate`.

The caller passes an open connection in ``config.attributes["connection"]``; running
``alembic`` by hand with ``-x url=...`` also works for development.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

import calmline.cases.accommodations
import calmline.console.disputes  # noqa: F401  (its table lives on the same metadata)
from calmline.cases.models import Base
from calmline.practice import store as _practice_store  # noqa: F401  (practice_sessions, migration 0008)

config = context.config
target_metadata = Base.metadata


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite needs batch mode for ALTER TABLE
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    engine = create_engine(str(url))
    with engine.connect() as conn:
        _run(conn)


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported: pass a database URL with -x url=...")
run_migrations_online()
