"""SQLite writers: the write lock is handed over only after the COMMIT, and the WAL is checkpointed
in the background (never inside a writer's COMMIT)."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text

from calmline.cases import db


def _engine(path: Path) -> Any:
    engine = db.make_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _no_waiting(dbapi_conn: Any, _record: Any) -> None:
        # no busy handler: a writer that found the previous transaction still open fails at once
        dbapi_conn.execute("PRAGMA busy_timeout=0")

    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)")
    return engine


def test_next_writer_never_finds_the_previous_transaction_open(tmp_path: Path) -> None:
    engine = _engine(tmp_path / "w.db")
    errors: list[BaseException] = []

    def writer(k: int) -> None:
        try:
            for i in range(150):
                with engine.begin() as conn:
                    conn.execute(text("INSERT INTO t (body) VALUES (:b)"), {"b": f"{k}-{i}"})
        except BaseException as exc:  # "database is locked": the lock was released before the COMMIT
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM t").scalar() == 600
    engine.dispose()


def test_a_failed_transaction_is_rolled_back_and_frees_the_lock(tmp_path: Path) -> None:
    engine = _engine(tmp_path / "r.db")
    with pytest.raises(RuntimeError), engine.begin() as conn:
        conn.execute(text("INSERT INTO t (body) VALUES ('lost')"))
        raise RuntimeError("boom")
    with engine.begin() as conn:  # would fail at once (busy_timeout=0) if the first were still open
        conn.execute(text("INSERT INTO t (body) VALUES ('kept')"))
    with engine.connect() as conn:
        assert [r[0] for r in conn.exec_driver_sql("SELECT body FROM t")] == ["kept"]
    engine.dispose()


def test_wal_is_checkpointed_in_the_background(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(db, "_CHECKPOINT_EVERY", 50)
    path = tmp_path / "c.db"
    engine = _engine(path)
    ckpt = db.checkpointer(engine)
    assert ckpt is not None and ckpt.completed == 0

    def write(n: int) -> None:
        for _ in range(n):
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO t (body) VALUES (:b)"), {"b": "x" * 8_000})

    write(48)  # with the CREATE TABLE: 49 commits
    threading.Event().wait(0.2)
    assert ckpt.completed == 0  # not asked yet: the 49 commits are all in the WAL
    write(1)  # the 50th commit asks the background thread
    for _ in range(500):
        if ckpt.completed:
            break
        threading.Event().wait(0.01)
    assert ckpt.completed == 1
    write(1)  # a complete checkpoint and no reader: this writer starts the WAL afresh
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM t").scalar() == 50
        # SQLite's own checkpoint stays as a backstop for writes that never pause
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == db._WAL_BACKSTOP_PAGES
    engine.dispose()
    raw = sqlite3.connect(path, isolation_level=None)
    busy, frames, _done = raw.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    raw.close()
    assert busy == 0 and frames < 10  # only the last write's pages, not 50 writes' worth
