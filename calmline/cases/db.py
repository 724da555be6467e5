"""Engines, sessions and migrations for SQLite (default) and PostgreSQL."""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic_core import to_json
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

__all__ = ["is_postgres", "make_engine", "make_read_sessionmaker", "make_sessionmaker", "migrate"]

_MIGRATIONS = Path(__file__).parent / "migrations"
_PG_LOCK = 0x43414C4D  # "CALM": advisory lock id serialising migrations across processes


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def _normalise_url(url: str) -> str:
    # Accept the usual postgres:// spellings and use psycopg 3.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _json_dumps(value: Any) -> str:
    """JSON columns are written with pydantic-core's serialiser (several times faster than ``json.dumps``
    on the analyses stored with every message); read back with ``json.loads`` as before."""
    return to_json(value).decode()


def make_engine(url: str, *, pool_size: int = 20) -> Engine:
    """An engine for ``url``; SQLite gets WAL, a busy timeout and foreign keys."""
    url = _normalise_url(url)
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        memory = u.database in (None, "", ":memory:")
        kwargs: dict[str, Any] = {
            "connect_args": {"check_same_thread": False, "timeout": 30},
            "json_serializer": _json_dumps,
        }
        if memory:
            kwargs["poolclass"] = StaticPool
        else:
            Path(u.database or "").parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            # Let SQLAlchemy, not pysqlite, decide when transactions begin, so BEGIN IMMEDIATE works.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            if not memory:
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        # One writing transaction at a time, queued on a lock instead of SQLite's sleeping busy handler
        # (which backs off up to 100 ms): a thread lock within the process and, for a file, an flock on
        # "<database>.write.lock" across processes (`--workers N`), which the kernel hands over at once.
        # Read-only sessions (make_read_sessionmaker) take neither: a plain deferred transaction reads a
        # WAL snapshot without blocking or being blocked by the writer.
        lock = threading.Lock()
        lock_path = None if memory else str(u.database) + ".write.lock"
        # flock belongs to an open file description, which a forked child would share: one per process
        lock_files: dict[int, Any] = {}

        def _lock_file() -> Any:
            fh = lock_files.get(os.getpid())
            if fh is None:
                fh = lock_files[os.getpid()] = open(lock_path or "", "a")  # noqa: SIM115 - kept open
            return fh

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            if not memory and conn.get_execution_options().get(_READ_ONLY):
                conn.exec_driver_sql("BEGIN")
                return
            if not lock.acquire(timeout=60):
                raise TimeoutError("the database stayed busy for 60 s")
            conn.info["calmline_lock"] = True
            try:
                if lock_path is not None:
                    fcntl.flock(_lock_file(), fcntl.LOCK_EX)
                # take the write lock up front: no deadlocks upgrading a read to a write lock
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            except BaseException:
                _release(conn)
                raise

        def _release(conn: Any) -> None:
            if conn.info.pop("calmline_lock", False):
                if lock_path is not None:
                    fcntl.flock(_lock_file(), fcntl.LOCK_UN)
                lock.release()

        if lock_path is not None:
            weakref.finalize(engine, _close_all, lock_files)
        event.listen(engine, "commit", _release)
        event.listen(engine, "rollback", _release)

        return engine
    return create_engine(
        url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True, json_serializer=_json_dumps
    )


_READ_ONLY = "calmline_read_only"


def _close_all(files: dict[int, Any]) -> None:
    for fh in files.values():
        fh.close()
    files.clear()


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions that may write (on SQLite: ``BEGIN IMMEDIATE`` under the process's write lock)."""
    return sessionmaker(engine, expire_on_commit=False)


def make_read_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions that only read; on SQLite a deferred transaction that takes no write lock.

    Never commit a write through one: a write in a deferred transaction may fail with ``database is locked``.
    """
    if engine.dialect.name != "sqlite":
        return make_sessionmaker(engine)
    return sessionmaker(engine.execution_options(**{_READ_ONLY: True}), expire_on_commit=False)


@contextlib.contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """Two processes starting at once must not both migrate."""
    u = engine.url
    if u.get_backend_name() == "sqlite" and u.database not in (None, "", ":memory:"):
        with open(str(u.database) + ".migrate.lock", "w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)
    else:
        yield


def migrate(engine: Engine) -> None:
    """Apply every Alembic migration up to head (idempotent, safe with concurrent starts)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    with _migration_lock(engine), engine.connect() as conn:
        if is_postgres(engine):
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _PG_LOCK})
            conn.commit()
        try:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            conn.commit()
        finally:
            if is_postgres(engine):
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_LOCK})
                conn.commit()
