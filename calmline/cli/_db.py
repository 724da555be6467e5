"""A database session for the CLI commands that read the service's database (``report``, ``alerts``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


class DatabaseError(ValueError):
    """The database could not be opened or read; the message says which and why."""


@contextmanager
def database_session(url: str, *, pool_size: int = 1) -> Iterator[Session]:
    """A session on ``url``; opening or reading failures become :class:`DatabaseError` (the CLI exits 2)."""
    from pathlib import Path

    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from calmline.cases.db import make_engine, make_sessionmaker

    try:
        parsed = make_url(url)
    except Exception as exc:
        raise DatabaseError(f"cannot open the database: {exc}") from None
    where = parsed.database or ""
    on_disk = parsed.get_backend_name() == "sqlite" and where not in ("", ":memory:") and not where.startswith("file:")
    if on_disk and not Path(where).is_file():  # these commands read: opening would create an empty file
        raise DatabaseError(f"no SQLite database at {where}")
    try:
        engine = make_engine(url, pool_size=pool_size)
    except Exception as exc:
        raise DatabaseError(f"cannot open the database: {exc}") from None
    try:
        with make_sessionmaker(engine)() as s:
            yield s
    except SQLAlchemyError as exc:
        raise DatabaseError(f"cannot read the database: {str(exc).splitlines()[0]}") from None
    finally:
        engine.dispose()
