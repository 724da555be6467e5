"""The per-process history cache and the one-transaction write path of posted messages."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from calmline.cases import pipeline, store
from calmline.cases.history import HistoryCache
from calmline.cases.models import AuditEntry, ConversationRow, Event, MessageRow
from calmline.cases.pipeline import analyse_pending, stored_analysis
from calmline.service.app import build_services
from calmline.service.routes.messages import post_message
from calmline.service.schemas import MessageCreate
from calmline.service.settings import Settings

from .conftest import Api, say

TURNS = [
    ("customer", "I have asked THREE times where my refund is. This is ridiculous!!"),
    ("agent", "I'm sorry, let me check the refund for you right now."),
    ("customer", "You people are useless, I want a manager."),
    ("agent", "I understand. Your case number is below and a supervisor will call you."),
    ("customer", "Thanks, that is fine now."),
]


def _fresh(services: Any, conv_id: str) -> dict[str, Any]:
    """The conversation's analysis rebuilt from the database alone (no cache)."""
    with services.factory() as s:
        rows = s.scalars(select(MessageRow).where(MessageRow.conversation_id == conv_id).order_by(MessageRow.id)).all()
        state = s.get(ConversationRow, conv_id).state  # type: ignore[union-attr]
    return {"analysis": stored_analysis(conv_id, rows).to_dict(), "state": state}


def test_two_processes_on_one_conversation_see_each_others_messages(api: Api, settings: Settings) -> None:
    """A second process (its own cache) posting into the same conversation: each analysis uses the
    full history, exactly as a reading of the stored conversation from scratch."""
    other = build_services(settings)
    conv = api.as_("alice", "POST", "/conversations", json={}).json()
    alice = store.Actor("alice", "agent", "a")
    try:
        results = []
        for i, (role, text) in enumerate(TURNS):
            services = api.services if i % 2 == 0 else other
            body = MessageCreate(client_id=f"x{i}", role=role, text=text)
            results.append(post_message(services, alice, conv["id"], body))
        fresh = _fresh(api.services, conv["id"])
        assert results[-1]["state"] == fresh["state"] == fresh["analysis"]["state"]
        assert [r["analysis"] for r in results] == fresh["analysis"]["turns"]
        # the fourth turn was read by a process that had not seen turns 2 and 3 itself
        assert fresh["state"]["customer_turns"] == 3
        assert fresh["analysis"]["turns"][2]["signals"]
    finally:
        other.close()
        other.engine.dispose()


def test_cache_entry_is_checked_against_the_database(api: Api, conv: dict[str, Any]) -> None:
    say(api, "alice", conv["id"], "customer", TURNS[0][1])
    entry = api.services.history.get(conv["id"])
    assert entry is not None and entry.count == 1
    # a message stored behind this process's back (another process, or the pending-repair path)
    with api.services.factory() as s:
        c = s.get(ConversationRow, conv["id"])
        store.add_message(s, store.SYSTEM, c, client_id="behind", role="agent", text="Let me check that.")
        s.commit()
    r = say(api, "alice", conv["id"], "customer", "You idiots are still not answering!")
    assert r.status_code == 201
    assert r.json()["analysis"]["index"] == 2  # based on all three messages, not the stale cached one
    # a history with a pending message is not cached (its analysis is still to come) ...
    assert api.services.history.get(conv["id"]).count == 1  # type: ignore[union-attr]
    assert analyse_pending(api.services.factory, api.services.policy) == 1
    r = say(api, "alice", conv["id"], "customer", "Hello??")
    assert r.json()["analysis"]["index"] == 3
    # ... once it is analysed, the conversation is cached again
    assert api.services.history.get(conv["id"]).count == 4  # type: ignore[union-attr]


def test_history_window_keeps_the_newest_messages(api: Api, conv: dict[str, Any]) -> None:
    cache = HistoryCache(window=3)
    for i in range(5):
        say(api, "alice", conv["id"], "customer" if i % 2 == 0 else "agent", f"message {i}: where is my parcel?")
    with api.services.factory() as s:
        h = cache.current(s, conv["id"])
    assert h.count == 5 and len(h.rows) == 2 and h.rows[0][1].text.startswith("message 3")
    grown = cache.append(h, dict(h.rows[-1][0] or {}), h.rows[-1][1], h.last_id + 1)
    assert len(grown.rows) == 2 and grown.count == 6 and len(grown.analysis.turns) == 2


def test_message_whose_analysis_fails_is_stored_pending_then_repaired(
    api: Api, conv: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_a: Any, **_k: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr("calmline.service.routes.messages.plan_message", broken)
    r = say(api, "alice", conv["id"], "customer", "You idiot!", cid="fails")
    assert r.status_code == 201 and r.json()["message"]["status"] == "pending"
    assert r.json()["analysis"] is None
    monkeypatch.undo()
    assert analyse_pending(api.services.factory, api.services.policy) == 1
    again = say(api, "alice", conv["id"], "customer", "You idiot!", cid="fails")
    assert again.json()["duplicate"] and again.json()["analysis"]["signals"]


def test_one_message_is_one_transaction(api: Api, conv: dict[str, Any]) -> None:
    """The message, its analysis, events and audit entry are written together."""
    r = say(api, "alice", conv["id"], "customer", "This is the third time I ask, where is my refund?!")
    mid = r.json()["message"]["id"]
    with api.services.factory() as s:
        msg = s.get(MessageRow, mid)
        assert msg is not None and msg.status == "analysed" and msg.analysis == r.json()["analysis"]
        kinds = s.scalars(select(Event.type).where(Event.conversation_id == conv["id"]).order_by(Event.id)).all()
        assert kinds[-3:] == ["message", "signals", "guidance"]
        audited = s.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.target == f"{conv['id']}/{mid}"))
        assert audited == 1
        assert s.get(ConversationRow, conv["id"]).last_analysed_message_id == mid  # type: ignore[union-attr]


def test_retry_after_the_conversation_closed_returns_the_original(api: Api, conv: dict[str, Any]) -> None:
    first = say(api, "alice", conv["id"], "customer", "Where is my order?", cid="orig")
    with api.services.factory() as s:
        s.get(ConversationRow, conv["id"]).status = "closed"  # type: ignore[union-attr]
        s.commit()
    retry = say(api, "alice", conv["id"], "customer", "Where is my order?", cid="orig")
    assert retry.status_code == 200 and retry.json()["duplicate"]
    assert retry.json()["message"]["id"] == first.json()["message"]["id"]
    new = say(api, "alice", conv["id"], "customer", "Hello?", cid="new")
    assert new.status_code == 409


def test_pending_and_live_paths_store_the_same_analysis(api: Api, conv: dict[str, Any]) -> None:
    """The crash-repair path (analyse_message) and the live path agree on the same history."""
    say(api, "alice", conv["id"], "customer", TURNS[0][1])
    say(api, "alice", conv["id"], "agent", TURNS[1][1])
    live = say(api, "alice", conv["id"], "customer", TURNS[2][1], cid="live").json()
    with api.services.factory() as s:
        c = s.get(ConversationRow, conv["id"])
        pending = store.add_message(s, store.SYSTEM, c, client_id="rep", role="customer", text=TURNS[2][1])
        s.commit()
        mid = pending.id
    with api.services.factory() as s, s.begin():
        repaired = pipeline.analyse_message(s, mid, api.services.policy)
    assert repaired is not None
    # same text, one more turn of history: the signals found agree
    labels = lambda r: sorted(x["label"] for x in r["analysis"]["signals"])  # noqa: E731
    assert labels(repaired) == labels(live)
    assert repaired["analysis"]["index"] == live["analysis"]["index"] + 1


def test_cached_ladder_is_the_replay_of_the_stored_turns(api: Api, conv: dict[str, Any]) -> None:
    """Each message steps the cached boundary ladder one turn; it must equal a full replay."""
    from calmline.playbook.config import default_playbook
    from calmline.playbook.ladder import replay_ladder

    policy = default_playbook().ladder
    lines = [
        ("customer", "You are a useless idiot."),
        ("agent", "I want to help, and I need us to keep this respectful."),
        ("customer", "WHY IS THIS STILL BROKEN"),
        ("agent", "I hear you. Let me check the account."),
        ("customer", "Stupid moron, can't you read?"),
        ("customer", "Damn it, fine."),
    ]
    for role, text in lines:
        assert say(api, "alice", conv["id"], role, text).status_code == 201
        entry = api.services.history.get(conv["id"])
        assert entry is not None and entry.ladder is not None
        assert entry.ladder == replay_ladder(entry.analysis, policy)
    assert entry.ladder.rung >= 2 and len(entry.ladder.steps) >= 2


def test_state_still_counts_turns_that_left_the_analysis_window(
    api: Api, conv: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the window, the conversation state (counts, peak, risk) still covers every turn, whether
    this process carried it from message to message, read the conversation cold, or a pending
    message was analysed later."""
    from dataclasses import replace

    from calmline.playbook.config import default_playbook

    services = api.services
    # (the trend reads the last four customer turns: a window holds at least that many)
    services.policy = replace(services.policy, window=9)
    services.history = HistoryCache(9, ladder=default_playbook().ladder)
    script = [*TURNS, *TURNS, *TURNS[:4], ("customer", "Still nothing. I will report you to the ombudsman.")]
    last: dict[str, Any] = {}
    for i, (role, body) in enumerate(script):
        if i == 12:
            services.history.clear()  # as a process seeing the conversation for the first time would
        last = say(api, "alice", conv["id"], role, body).json()
        assert last["state"] == _fresh(services, conv["id"])["analysis"]["state"], i
    customers = sum(role == "customer" for role, _ in script)
    assert last["state"]["customer_turns"] == customers > 4
    assert last["state"]["label_counts"]["request.refund"] >= 2  # the first turns are long out of the window
    monkeypatch.setattr("calmline.service.routes.messages.plan_message", lambda *_a, **_k: 1 / 0)
    assert say(api, "alice", conv["id"], "customer", "Where is my refund?!").json()["message"]["status"] == "pending"
    monkeypatch.undo()
    assert analyse_pending(services.factory, services.policy) == 1
    fresh = _fresh(services, conv["id"])
    assert fresh["state"] == fresh["analysis"]["state"] and fresh["state"]["customer_turns"] == customers + 1
