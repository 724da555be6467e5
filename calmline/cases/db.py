"""Engines, sessions and migrations for SQLite (default) and PostgreSQL."""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import sqlite3
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

from calmline.errors import ConfigError

__all__ = ["is_postgres", "make_engine", "make_read_sessionmaker", "make_sessionmaker", "migrate"]

_MIGRATIONS = Path(__file__).parent / "migrations"
#: seconds PostgreSQL gets to accept a connection (a URL's own ``connect_timeout`` wins): libpq waits without
#: limit otherwise, so a database host that took TCP but never answered held every request, /ready and the
#: scheduler forever instead of failing (answered 503) and trying again
CONNECT_TIMEOUT_S = 10
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
    if u.get_backend_name() == "postgresql" and u.get_driver_name() == "psycopg":
        import importlib.util

        if importlib.util.find_spec("psycopg") is None:
            raise ConfigError("PostgreSQL needs the psycopg driver: pip install 'calmline[postgres]'")
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
                # Checkpoints run in the background after the write lock is released (_Checkpointer);
                # SQLite's own, inside a COMMIT, stays only as a backstop for a WAL that never gets a
                # quiet moment to restart in (back-to-back writes).
                cur.execute(f"PRAGMA wal_autocheckpoint={_WAL_BACKSTOP_PAGES}")
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

        commits = [0]
        checkpointer = None if memory else _Checkpointer(str(u.database))
        if checkpointer is not None:
            _CHECKPOINTERS[engine] = checkpointer

        # SQLAlchemy's "commit"/"rollback" events come *before* the DBAPI call: ending the transaction
        # here first means the next writer never finds it still open (and never meets SQLite's busy
        # handler); SQLAlchemy's own commit/rollback is then a no-op.
        def _commit(conn: Any) -> None:
            if not conn.info.get("calmline_lock"):
                return
            try:
                conn.connection.dbapi_connection.execute("COMMIT")
            finally:
                _release(conn)
            commits[0] += 1
            if checkpointer is not None and commits[0] % _CHECKPOINT_EVERY == 0:
                checkpointer.request()

        def _rollback(conn: Any) -> None:
            if not conn.info.get("calmline_lock"):
                return
            try:
                dbapi = conn.connection.dbapi_connection
                if dbapi is not None and dbapi.in_transaction:
                    dbapi.execute("ROLLBACK")
            finally:
                _release(conn)

        if lock_path is not None:
            weakref.finalize(engine, _close_all, lock_files)
        event.listen(engine, "commit", _commit)
        event.listen(engine, "rollback", _rollback)

        return engine
    libpq = u.get_backend_name() == "postgresql" and u.get_driver_name() in ("psycopg", "psycopg2")
    connect_args = {"connect_timeout": CONNECT_TIMEOUT_S} if libpq and "connect_timeout" not in u.query else {}
    return create_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        json_serializer=_json_dumps,
        connect_args=connect_args,
    )


log = logging.getLogger("calmline.cases")
_READ_ONLY = "calmline_read_only"
#: commits (per process) between WAL checkpoints. Small and often keeps the WAL in the page cache:
#: at 250 commits (SQLite's default size), writes stalled 50-150 ms every few seconds under load.
_CHECKPOINT_EVERY = 50
#: SQLite's automatic checkpoint (in the committing writer) only past this many WAL pages (~40 MB)
_WAL_BACKSTOP_PAGES = 10_000


_CHECKPOINTERS: weakref.WeakKeyDictionary[Engine, _Checkpointer] = weakref.WeakKeyDictionary()


def checkpointer(engine: Engine) -> _Checkpointer | None:
    """The background WAL checkpointer of a SQLite file engine (``None`` for other engines)."""
    return _CHECKPOINTERS.get(engine)


class _Checkpointer:
    """Copies the WAL back into the database file (``PASSIVE``: blocks no reader or writer) in a
    background thread with its own connection, when asked.

    SQLite's automatic checkpoint runs inside a COMMIT, under the write lock: its fsync held up
    every writer (and the request that triggered it) for tens of milliseconds.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._start_lock = threading.Lock()
        #: checkpoints finished so far (tests wait on it)
        self.completed = 0

    def request(self) -> None:
        if self._thread is None or self._pid != os.getpid():  # first use, or in a forked child
            with self._start_lock:
                if self._thread is None or self._pid != os.getpid():
                    self._pid = os.getpid()
                    self._wake = threading.Event()
                    self._thread = threading.Thread(target=self._run, name="calmline-wal-checkpoint", daemon=True)
                    self._thread.start()
        self._wake.set()

    def _run(self) -> None:
        wake = self._wake
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        try:
            while True:
                wake.wait()
                wake.clear()
                try:
                    db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error:  # housekeeping: the next one catches up
                    log.warning("WAL checkpoint of %s failed", self.path, exc_info=True)
                self.completed += 1
        finally:  # pragma: no cover - a daemon thread ends with the process
            db.close()


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
