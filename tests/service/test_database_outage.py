"""The database refusing connections: API calls answer 503 with Retry-After (a client or helpdesk tries again
later) instead of 500 "internal error", say nothing of the database's address, and work again once it is back."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("fastapi")

from sqlalchemy import event

from .conftest import Api


class Outage:
    """Every new connection of the service's engine is refused, as by a database that is down."""

    def __init__(self, api: Api) -> None:
        self.engine = api.services.engine
        self.dbapi = self.engine.dialect.loaded_dbapi

    def _refuse(self, *_args: Any, **_kw: Any) -> None:
        raise self.dbapi.OperationalError('connection to server at "10.9.8.7", port 5432 failed: Connection refused')

    def __enter__(self) -> Outage:
        event.listen(self.engine, "do_connect", self._refuse)
        self.engine.dispose()  # the pooled connections go too: the next checkout connects
        return self

    def __exit__(self, *_exc: object) -> None:
        event.remove(self.engine, "do_connect", self._refuse)


@pytest.fixture
def down(api: Api) -> Iterator[Outage]:
    with Outage(api) as outage:
        yield outage


def _unavailable(r: Any) -> None:
    assert r.status_code == 503, (r.status_code, r.text)
    assert r.json()["error"]["code"] == "unavailable" and int(r.headers["retry-after"]) > 0
    assert "10.9.8.7" not in r.text and "5432" not in r.text


def test_calls_answer_503_with_retry_after_while_the_database_is_down(api: Api, conv: dict[str, Any]) -> None:
    with Outage(api):
        _unavailable(api.as_("alice", "GET", "/conversations"))
        _unavailable(api.as_("sue", "GET", f"/conversations/{conv['id']}"))
        body = {"client_id": "m1", "role": "customer", "text": "Where is my refund?"}
        _unavailable(api.as_("alice", "POST", f"/conversations/{conv['id']}/messages", json=body))  # the fast path
        _unavailable(api.as_("alice", "POST", "/conversations", json={}))
        assert api.client.get("/health").status_code == 200
        assert api.client.get("/ready").status_code == 503
    r = api.as_("alice", "POST", f"/conversations/{conv['id']}/messages", json=body)
    assert r.status_code == 201, r.text  # back: nothing to restart


def test_a_helpdesk_delivery_during_an_outage_is_503_so_it_can_be_sent_again(api: Api) -> None:
    import json
    import time
    from pathlib import Path

    from calmline.integrations.chatwoot import sign

    api.services.settings = api.services.settings.model_copy(update={"chatwoot_webhook_secret": "s"})
    body = (Path(__file__).parent / "fixtures" / "chatwoot" / "message_created.json").read_bytes()
    when = int(time.time())
    headers = {"X-Chatwoot-Timestamp": str(when), "X-Chatwoot-Signature": sign("s", when, body)}
    headers["Content-Type"] = "application/json"
    with Outage(api):
        _unavailable(api.client.post("/integrations/chatwoot/webhook", content=body, headers=headers))
    r = api.client.post("/integrations/chatwoot/webhook", content=body, headers=headers)
    assert r.status_code == 201 and json.loads(r.text)["message"]["role"] == "customer"


def test_a_postgresql_host_that_never_answers_fails_the_connection_instead_of_hanging(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A database host that accepts TCP but never speaks (hung, or a stuck proxy) held every request, the
    readiness probe and the scheduler forever: libpq waits without limit unless told. A URL's own
    connect_timeout is kept."""
    import socket
    import threading

    from sqlalchemy.exc import OperationalError

    pytest.importorskip("psycopg")
    from calmline.cases import db

    monkeypatch.setattr(db, "CONNECT_TIMEOUT_S", 2, raising=False)  # libpq's smallest
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # the kernel completes the handshake; nothing ever answers
    port = silent.getsockname()[1]
    base = f"postgresql://calmline@127.0.0.1:{port}/calmline"
    engine = db.make_engine(base)
    outcome: list[BaseException] = []

    def connect() -> None:
        try:
            engine.connect().close()
        except BaseException as exc:
            outcome.append(exc)

    try:
        worker = threading.Thread(target=connect, daemon=True)
        worker.start()
        worker.join(60)  # a guard against hanging the suite, far above the 2 s asked for
        assert not worker.is_alive(), "the connection attempt is still waiting"
        assert len(outcome) == 1 and isinstance(outcome[0], OperationalError)
    finally:
        silent.close()
        engine.dispose()
    seen: list[dict[str, Any]] = []

    def capture(_dialect: Any, _record: Any, _cargs: Any, cparams: dict[str, Any]) -> None:
        seen.append(dict(cparams))
        raise RuntimeError("captured")

    for url, expected in ((f"postgresql://calmline@127.0.0.1:{port}/calmline?connect_timeout=7", "7"), (base, 2)):
        probe = db.make_engine(url)
        event.listen(probe, "do_connect", capture)
        with pytest.raises(RuntimeError):
            probe.connect()
        assert str(seen[-1]["connect_timeout"]) == str(expected)  # the URL's own value wins


def test_a_schema_or_sql_mistake_on_sqlite_is_a_500_bug_not_a_503_outage(
    api: Api, conv: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    """SQLite raises OperationalError for "no such table" too: answering it 503 "try again shortly" (and one
    warning line) hid a real bug behind endless retries. A locked database is still an outage."""
    import logging
    import sqlite3

    from sqlalchemy import text

    if api.services.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's OperationalError covers SQL mistakes; PostgreSQL raises ProgrammingError")
    with api.services.engine.begin() as c:
        c.execute(text("ALTER TABLE messages RENAME TO messages_gone"))
    body = {"client_id": "m1", "role": "customer", "text": "Where is my refund?"}
    with caplog.at_level(logging.ERROR, logger="calmline"):
        for r in (
            api.as_("alice", "POST", f"/conversations/{conv['id']}/messages", json=body),  # the fast path
            api.as_("sue", "GET", f"/conversations/{conv['id']}/messages"),
        ):
            assert r.status_code == 500, (r.status_code, r.text)
            assert r.json()["error"]["code"] == "internal" and "retry-after" not in r.headers
    assert any(rec.exc_info and "no such table" in str(rec.exc_info[1]) for rec in caplog.records), caplog.text
    # near miss: a database locked by another writer is an outage, answered 503
    with api.services.engine.begin() as c:
        c.execute(text("ALTER TABLE messages_gone RENAME TO messages"))

    def locked(*_args: Any, **_kw: Any) -> None:
        raise sqlite3.OperationalError("database is locked")

    event.listen(api.services.engine, "do_connect", locked)
    api.services.engine.dispose()
    try:
        _unavailable(api.as_("alice", "GET", "/conversations"))
    finally:
        event.remove(api.services.engine, "do_connect", locked)
