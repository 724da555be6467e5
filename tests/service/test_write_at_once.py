"""Message counters kept by the database, and PostgreSQL's one-statement write of a posted message.

The one-statement write (``calmline.cases.pgwrite``) must store exactly what the locked path
stores, and must write nothing (the locked path then decides) whenever one of its checks fails.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import func, inspect, select, text

from calmline.cases import store
from calmline.cases.db import _MIGRATIONS
from calmline.cases.models import AuditEntry, ConversationRow, Event, MessageRow, Timer
from calmline.service.app import build_services
from calmline.service.routes import messages
from calmline.service.routes.messages import post_message
from calmline.service.schemas import MessageCreate
from calmline.service.settings import Settings

from .conftest import Api, say

SCRIPT = [
    ("customer", "I have asked THREE times where my refund is. This is ridiculous!!"),
    ("agent", "I'm sorry, let me check the refund for you right now."),
    ("customer", "You people are useless, I want a manager."),
    ("agent", "I understand. A supervisor will call you today."),
    ("customer", "Fine. Thanks for sorting it, finally."),
    ("agent", "One moment please, I'm confirming the callback time."),
]


def _counters(api: Api, conv_id: str) -> tuple[tuple[int, int | None], tuple[int, int | None]]:
    """(kept on the row, counted from the messages)"""
    with api.services.factory() as s:
        conv = s.get(ConversationRow, conv_id)
        assert conv is not None
        counted = s.execute(
            select(func.count(MessageRow.id), func.max(MessageRow.id)).where(MessageRow.conversation_id == conv_id)
        ).one()
        return (conv.message_count, conv.last_message_id), (int(counted[0]), counted[1])


def _spy(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Record, for every posted message that tried it, whether the one-statement write wrote it."""
    wrote: list[bool] = []
    real: Callable[..., Any] = messages.write_at_once

    def spy(*a: Any, **k: Any) -> Any:
        out = real(*a, **k)
        wrote.append(out is not None)
        return out

    monkeypatch.setattr(messages, "write_at_once", spy)
    return wrote


def _postgres_only(api: Api) -> None:
    if api.services.engine.dialect.name != "postgresql":
        pytest.skip("the one-statement write is PostgreSQL's")


def test_counters_follow_every_way_a_message_is_stored(
    api: Api, conv: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _counters(api, conv["id"]) == ((0, None), (0, None))
    say(api, "alice", conv["id"], "customer", "Where is my parcel?")
    monkeypatch.setattr(messages, "plan_message", lambda *a, **k: 1 / 0)  # stored pending
    assert say(api, "alice", conv["id"], "customer", "Hello??").json()["message"]["status"] == "pending"
    monkeypatch.undo()
    with api.services.factory() as s:  # the library's way, outside the service
        c = s.get(ConversationRow, conv["id"])
        assert c is not None
        store.add_message(s, store.SYSTEM, c, client_id="lib", role="agent", text="Checking now.")
        s.commit()
    kept, counted = _counters(api, conv["id"])
    assert kept == counted and counted[0] == 3


def test_migration_counts_existing_messages_and_downgrades(api: Api, conv: dict[str, Any]) -> None:
    for role, body in SCRIPT[:3]:
        say(api, "alice", conv["id"], role, body)
    engine = api.services.engine
    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0003")
        conn.commit()
        columns = [c["name"] for c in inspect(conn).get_columns("conversations")]
        assert "message_count" not in columns
        conn.execute(  # a message stored before the upgrade, without any trigger
            text(
                "INSERT INTO messages (conversation_id, client_id, role, text, ts, status, abuse_count, "
                "abuse_severity, created_at) VALUES (:c, 'old', 'customer', 'hi', :t, 'pending', 0, 0, :t)"
            ),
            {"c": conv["id"], "t": "2026-01-01 10:00:00"},
        )
        conn.commit()
        command.upgrade(cfg, "head")
        conn.commit()
    kept, counted = _counters(api, conv["id"])
    assert kept == counted and counted[0] == 4
    say(api, "alice", conv["id"], "customer", "And now?")  # the trigger is back
    kept, counted = _counters(api, conv["id"])
    assert kept == counted and counted[0] == 5


def _stored(api: Api, conv_id: str) -> dict[str, Any]:
    """What the database holds for a conversation, ids and clocks left out."""
    with api.services.factory() as s:
        msgs = s.scalars(select(MessageRow).where(MessageRow.conversation_id == conv_id).order_by(MessageRow.id)).all()
        ids = {m.id: i for i, m in enumerate(msgs)}
        conv = s.get(ConversationRow, conv_id)
        assert conv is not None
        events = s.scalars(select(Event).where(Event.conversation_id == conv_id).order_by(Event.id)).all()
        audit = s.scalars(
            select(AuditEntry).where(AuditEntry.target.like(f"{conv_id}/%")).order_by(AuditEntry.id)
        ).all()
        timers = s.scalars(select(Timer).where(Timer.conversation_id == conv_id).order_by(Timer.id)).all()

        def renumber(data: dict[str, Any]) -> dict[str, Any]:
            return {k: ids.get(v, v) if k == "message_id" else v for k, v in data.items() if k != "incident_id"}

        return {
            "messages": [
                [m.client_id, m.role, m.text, m.status, m.analysis, m.guidance, m.abuse_count, m.abuse_severity]
                for m in msgs
            ],
            "conversation": [
                conv.status,
                conv.state,
                conv.risk,
                conv.trend,
                ids[conv.last_analysed_message_id or 0],
                conv.message_count,
                ids[conv.last_message_id or 0],
            ],
            "events": [[e.type, e.team, renumber(e.data)] for e in events if e.type != "conversation"],
            "audit": [
                [a.actor, a.role, ids[int(a.target.split("/")[1])], a.detail]
                for a in audit
                if a.action == "message.create"
            ],
            "timers": [[t.kind, t.team, t.owner, t.note, t.status] for t in timers],
        }


# what differs between two conversations given the same messages: when each was posted, and
# the wording of a suggested reply (varied per conversation, with its case number)
_VARYING = frozenset({"ts", "suggested_reply", "tell_customer"})


def _comparable(value: Any) -> Any:
    """``value`` without the keys in ``_VARYING``."""
    if isinstance(value, dict):
        return {k: _comparable(v) for k, v in value.items() if k not in _VARYING}
    if isinstance(value, list):
        return [_comparable(v) for v in value]
    return value


def _normalise(result: dict[str, Any]) -> dict[str, Any]:
    out = _comparable(result)
    out["message"] = {k: v for k, v in out["message"].items() if k != "id"}
    out["conversation"] = {k: v for k, v in result["conversation"].items() if k != "id"}
    out["case"] = None
    out["timers"] = [{k: v for k, v in t.items() if k not in ("id", "due_at")} for t in result["timers"]]
    out["incidents"] = [{k: v for k, v in i.items() if k != "id"} for i in result["incidents"]]
    return out


def test_one_statement_stores_what_the_locked_path_stores(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    _postgres_only(api)
    runs: dict[bool, tuple[str, list[dict[str, Any]]]] = {}
    wrote = _spy(monkeypatch)
    for at_once in (True, False):
        if not at_once:
            monkeypatch.setattr(messages, "can_write_at_once", lambda *_a: False)
        conv_id = api.as_("alice", "POST", "/conversations", json={}).json()["id"]
        results = []
        for i, (role, body) in enumerate(SCRIPT):
            r = say(api, "alice", conv_id, role, body, cid=f"s{i}")
            assert r.status_code == 201, r.text
            results.append(r.json())
        runs[at_once] = conv_id, results
    # all but a message with a boundary incident (the locked path's) were written in one statement
    assert all(wrote) and len(SCRIPT) - 1 <= len(wrote) <= len(SCRIPT)
    fast, slow = runs[True], runs[False]
    assert [_normalise(r) for r in fast[1]] == [_normalise(r) for r in slow[1]]
    assert _comparable(_stored(api, fast[0])) == _comparable(_stored(api, slow[0]))
    cancelled = [t for t in _stored(api, fast[0])["timers"] if t[-1] == "cancelled"]
    assert cancelled and fast[1][1]["timers"] and fast[1][-1]["timers"]  # started, and cancelled by the next reply


def test_one_statement_writes_nothing_when_a_check_fails(
    api: Api, conv: dict[str, Any], settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    _postgres_only(api)
    wrote = _spy(monkeypatch)
    say(api, "alice", conv["id"], "customer", "Where is my refund?", cid="a")
    assert say(api, "alice", conv["id"], "customer", "Hello?", cid="b").status_code == 201
    assert wrote == [True, True]
    # another team's agent, with this process's history of the conversation current: not visible
    assert say(api, "carl", conv["id"], "customer", "Hi", cid="c").status_code == 404
    # a retry of a stored message: the unique constraint, then the original
    again = say(api, "alice", conv["id"], "customer", "Hello?", cid="b")
    assert again.status_code == 200 and again.json()["duplicate"]
    # another process adds a message: this one's history is behind: re-read (outside the lock), written again
    other = build_services(settings)
    try:
        body = MessageCreate(client_id="d", role="agent", text="Let me check that for you.")
        post_message(other, store.Actor("alice", "agent", "a"), conv["id"], body)
    finally:
        other.close()
        other.engine.dispose()
    latest = say(api, "alice", conv["id"], "customer", "Any news?", cid="e")
    assert latest.status_code == 201 and latest.json()["state"]["customer_turns"] == 3
    # closed meanwhile: 409 from the locked path
    with api.services.factory() as s:
        c = s.get(ConversationRow, conv["id"])
        assert c is not None
        c.status, c.closed_reason = "closed", "resolved"
        s.commit()
    assert say(api, "alice", conv["id"], "customer", "Hello?", cid="f").status_code == 409
    # the stale history is re-read outside the lock and the one statement tried again (issue #19)
    assert wrote == [True, True, False, True, False, True, False]
    kept, counted = _counters(api, conv["id"])
    assert kept == counted == (4, kept[1])


def test_concurrent_writers_with_their_own_caches_never_analyse_a_stale_history(api: Api, settings: Settings) -> None:
    """Two processes post into one conversation at the same time: every stored turn has its own
    index and the conversation's state counts every customer turn (no analysis missed one)."""
    conv_id = api.as_("alice", "POST", "/conversations", json={}).json()["id"]
    alice = store.Actor("alice", "agent", "a")
    others = [build_services(settings) for _ in range(2)]
    errors: list[BaseException] = []

    def post(k: int) -> None:
        try:
            for i in range(8):
                body = MessageCreate(client_id=f"p{k}-{i}", role="customer", text=f"Still waiting, message {i}!")
                post_message(others[k], alice, conv_id, body)
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=post, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for o in others:
        o.close()
        o.engine.dispose()
    assert not errors
    with api.services.factory() as s:
        rows = s.scalars(select(MessageRow).where(MessageRow.conversation_id == conv_id).order_by(MessageRow.id)).all()
        state = s.get(ConversationRow, conv_id).state  # type: ignore[union-attr]
    assert [m.analysis["index"] for m in rows if m.analysis] == list(range(16))
    assert state["customer_turns"] == 16


def test_one_statement_cancels_only_pending_still_here_timers(
    api: Api, conv: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    _postgres_only(api)
    wrote = _spy(monkeypatch)
    say(api, "alice", conv["id"], "customer", "Where is my refund?")
    first = say(api, "alice", conv["id"], "agent", "Let me check that for you.").json()["timers"][0]["id"]
    second = say(api, "alice", conv["id"], "agent", "Let me check one more thing.").json()["timers"][0]["id"]
    with api.services.factory() as s:
        timer = s.get(Timer, second)
        assert timer is not None
        timer.status = "fired"  # the reminder went off before the agent wrote again
        s.commit()
    say(api, "alice", conv["id"], "agent", "Thanks for waiting: the refund left today.")
    with api.services.factory() as s:
        statuses = [s.get(Timer, t).status for t in (first, second)]  # type: ignore[union-attr]
    assert wrote == [True, True, True, True] and statuses == ["cancelled", "fired"]
