"""Chatwoot in and out: signed webhooks shaped like Chatwoot's, private notes on a local fake Chatwoot."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")

from calmline.cases.outbox import deliver_due
from calmline.integrations.chatwoot import ChatwootAdapter, sign
from calmline.service.helpdesks import note_targets

from .conftest import Api

FIXTURES = Path(__file__).parent / "fixtures" / "chatwoot"
SECRET = "cw-webhook-secret"
TOKEN = "cw-api-token"


def fixture(name: str) -> bytes:
    return (FIXTURES / f"{name}.json").read_bytes()


class FakeChatwoot:
    """Records the notes posted to it; answers ``status`` (a list consumed first, then 200)."""

    def __init__(self, port: int = 0) -> None:
        self.received: list[tuple[str, dict[str, str], Any]] = []
        self.statuses: list[int] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                fake.received.append((self.path, {k.lower(): v for k, v in self.headers.items()}, json.loads(body)))
                code = fake.statuses.pop(0) if fake.statuses else 200
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"id": 9001}')

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = int(self.server.server_address[1])
        self.url = f"http://127.0.0.1:{self.port}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def chatwoot() -> Iterator[FakeChatwoot]:
    fake = FakeChatwoot()
    yield fake
    fake.close()


@pytest.fixture
def cw_api(api: Api, chatwoot: FakeChatwoot) -> Api:
    api.services.settings = api.services.settings.model_copy(
        update={
            "chatwoot_webhook_secret": SECRET,
            "chatwoot_url": chatwoot.url,
            "chatwoot_api_token": TOKEN,
            "chatwoot_note_events": "guidance,boundary,escalation",
            "chatwoot_teams": "Billing=a,Tier 2=b",
        }
    )
    return api


def deliver(api: Api, body: bytes, *, ts: int | None = None, secret: str = SECRET) -> Any:
    when = int(time.time()) if ts is None else ts
    headers = {
        "Content-Type": "application/json",
        "X-Chatwoot-Timestamp": str(when),
        "X-Chatwoot-Signature": sign(secret, when, body),
        "X-Chatwoot-Delivery": "d-1",
    }
    return api.client.post("/integrations/chatwoot/webhook", content=body, headers=headers)


def flush(api: Api, now: datetime | None = None) -> list[int]:
    """One outbox pass, as the scheduler's delivery thread runs it: the ids delivered."""
    return deliver_due(api.services.factory, url=None, notes=note_targets(api.services.settings), now=now)


def conversation(api: Api, team: str = "a") -> dict[str, Any]:
    rows = api.as_("admin", "GET", "/conversations").json()
    rows = rows.get("items", rows) if isinstance(rows, dict) else rows
    found = [c for c in rows if c["external_id"] == "chatwoot:7:57" and c["team"] == team]
    assert len(found) == 1, rows
    return dict(found[0])


def test_incoming_message_is_analysed_and_a_private_note_lands_on_chatwoot(cw_api: Api, chatwoot: FakeChatwoot) -> None:
    r = deliver(cw_api, fixture("message_created"))
    assert r.status_code in (200, 201), r.text
    out = r.json()
    assert out["message"]["role"] == "customer"
    assert out["analysis"] is not None and out["analysis"]["signals"]
    conv = conversation(cw_api)
    assert conv["team"] == "a" and conv["agent"] == "Alice Agent"  # Chatwoot team "Billing" mapped to team a
    flush(cw_api)
    assert chatwoot.received, "no private note reached the fake Chatwoot"
    path, headers, note = chatwoot.received[0]
    assert path == "/api/v1/accounts/7/conversations/57/messages"  # the display id from the payload
    assert headers["api_access_token"] == TOKEN
    assert note["private"] is True and note["message_type"] == "outgoing"
    assert note["content"].startswith("Calmline ") and out["case"] in note["content"]
    # the team that owns it sees it; the other team does not
    assert cw_api.as_("sue", "GET", f"/conversations/{conv['id']}").status_code == 200
    assert cw_api.as_("tom", "GET", f"/conversations/{conv['id']}").status_code == 404


def test_duplicate_delivery_is_idempotent_on_chatwoot_message_id(cw_api: Api, chatwoot: FakeChatwoot) -> None:
    first = deliver(cw_api, fixture("message_created"))
    again = deliver(cw_api, fixture("message_created"))
    assert first.status_code == 201 and again.status_code == 200, (first.text, again.text)
    assert again.json()["duplicate"] is True
    assert again.json()["message"]["id"] == first.json()["message"]["id"]
    conv = conversation(cw_api)
    msgs = cw_api.as_("admin", "GET", f"/conversations/{conv['id']}/messages").json()
    assert len(msgs) == 1
    flush(cw_api)
    notes_before = len(chatwoot.received)
    assert notes_before >= 1
    deliver(cw_api, fixture("message_created"))
    flush(cw_api)
    assert len(chatwoot.received) == notes_before  # no second note for a redelivery


@pytest.mark.parametrize("name", ["message_created_private", "message_created_activity", "contact_created"])
def test_private_notes_activity_and_unknown_events_are_ignored(cw_api: Api, chatwoot: FakeChatwoot, name: str) -> None:
    r = deliver(cw_api, fixture(name))
    assert r.status_code == 202, r.text
    assert r.json()["ignored"]
    rows = cw_api.as_("admin", "GET", "/conversations").json()
    rows = rows.get("items", rows) if isinstance(rows, dict) else rows
    assert rows == []
    flush(cw_api)
    assert chatwoot.received == []


def test_bad_missing_and_stale_signatures_are_refused(cw_api: Api) -> None:
    body = fixture("message_created")
    assert deliver(cw_api, body, secret="wrong").status_code == 403
    stale = int(time.time()) - 3600
    r = deliver(cw_api, body, ts=stale)
    assert r.status_code == 403 and "stale" in r.text
    assert deliver(cw_api, body, ts=int(time.time()) + 3600).status_code == 403
    r = cw_api.client.post("/integrations/chatwoot/webhook", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 401
    ts = int(time.time())
    tampered = {"X-Chatwoot-Timestamp": str(ts), "X-Chatwoot-Signature": sign(SECRET, ts, body)}
    r = cw_api.client.post("/integrations/chatwoot/webhook", content=body + b" ", headers=tampered)
    assert r.status_code == 403


def test_off_without_a_secret(api: Api) -> None:
    assert deliver(api, fixture("message_created")).status_code == 404


MALFORMED = [
    b"",
    b"not json",
    b"\xff\xfe\x00",
    b"[1, 2]",
    b'{"event": 5}',
    b'{"event": "message_created", "message_type": "incoming", "content": "hi", "id": 1}',
    b'{"event": "message_created", "message_type": "sideways", "content": "hi", "id": 1}',
    b'{"event": "message_created", "message_type": 0, "content": "hi", "id": 1, '
    b'"account": {"id": 7}, "conversation": {"id": {"x": 1}}}',
    b'{"event": "message_created", "message_type": 0, "content": ["x"], "id": 1}',
    b'{"event": "conversation_updated", "id": 57}',
    b'{"event": "message_updated", "message_type": "incoming", "content": "hi", "id": 1}',
    b'{"event": "message_updated", "message_type": 0, "content": 7, "id": 1, "account": {"id": 7}}',
    b'{"event": "conversation_status_changed", "status": "resolved"}',
    b'{"event": "message_created", "message_type": 0, "content": "hi", "id": 1, "account": {"id": 7}, '
    b'"conversation": {"id": 57}, "created_at": "2150-01-01T00:00:00Z"}',
    b'{"event": "message_created", "message_type": 0, "content": "hi", "id": 1, "account": {"id": 7}, '
    b'"conversation": {"id": 57}, "created_at": "0001-01-01T00:00:00+14:00"}',
    b'{"event": "message_created", "message_type": 0, "content": "hi", "id": 1, "account": {"id": 7}, '
    b'"conversation": {"id": 57}, "created_at": -5}',
    b'{"event": "message_created", "message_type": 0, "content": "hi", "id": 1, "account": {"id": 7}, '
    b'"conversation": {"id": 57}, "created_at": 1e308}',
    b"[" * 100_000,
]


def test_malformed_payloads_get_a_4xx(cw_api: Api) -> None:
    # one app for every body (each case is a separate request; a fresh app per case cost ~2.5 s)
    for body in MALFORMED:
        r = deliver(cw_api, body)
        assert 400 <= r.status_code < 500, (body[:80], r.status_code, r.text)


def test_conversation_events_follow_assignee_and_team(cw_api: Api) -> None:
    assert deliver(cw_api, fixture("conversation_created")).status_code == 202
    conv = conversation(cw_api)
    assert (conv["agent"], conv["team"]) == ("Alice Agent", "a")
    # reassigned to Bob and moved to "Tier 2" (team b): team b gets its own conversation, team a's stays
    r = deliver(cw_api, fixture("conversation_updated"))
    assert r.status_code == 202, r.text
    assert r.json()["team"] == "b"
    moved = conversation(cw_api, "b")
    assert moved["agent"] == "Bob Agent" and moved["id"] != conv["id"]
    assert cw_api.as_("tom", "GET", f"/conversations/{moved['id']}").status_code == 200
    assert cw_api.as_("tom", "GET", f"/conversations/{conv['id']}").status_code == 404
    assert conversation(cw_api, "a")["agent"] == "Alice Agent"
    # status changes are reported; reassignment within the team is followed
    status = json.loads(fixture("conversation_status_changed"))
    status["meta"]["assignee"]["name"] = "Sue Supervisor"
    r = deliver(cw_api, json.dumps(status).encode())
    assert r.status_code == 202 and r.json()["chatwoot_status"] == "resolved"
    assert r.json()["changed"] == {"agent": "Sue Supervisor", "status": "resolved"}
    assert conversation(cw_api)["agent"] == "Sue Supervisor"
    # a message for the same Chatwoot conversation (team Billing) goes into the same Calmline conversation
    assert deliver(cw_api, fixture("message_created")).status_code == 201
    assert conversation(cw_api)["id"] == conv["id"]


def test_a_conversation_event_without_messages_is_accepted_and_ignored(cw_api: Api) -> None:
    """Chatwoot's conversation payload has no account of its own: it names it only on the messages it
    lists, and a conversation made by the API (or holding only notes) lists none. Real deliveries of
    that shape are answered 202, not refused as malformed; the first message then makes the conversation."""
    for name in ("conversation_created", "conversation_status_changed"):
        payload = json.loads(fixture(name))
        payload["messages"] = []
        r = deliver(cw_api, json.dumps(payload).encode())
        assert r.status_code == 202, r.text
        assert "without messages" in r.json()["ignored"]
    assert cw_api.as_("admin", "GET", "/conversations").json() == []
    assert deliver(cw_api, fixture("message_created")).status_code == 201
    assert conversation(cw_api)["agent"] == "Alice Agent"


def test_the_documented_sample_shape_with_display_id_is_accepted(cw_api: Api) -> None:
    """Chatwoot's documented message_created sample names the conversation by ``display_id`` only, with
    fields Calmline does not use; it lands in the same conversation as the ``id``-shaped payloads."""
    assert deliver(cw_api, fixture("message_created")).status_code == 201
    payload = json.loads(fixture("message_created"))
    payload["id"] = 4812
    meta = payload["conversation"]["meta"]  # the team (Billing -> a) and assignee, as before
    payload["conversation"] = {"display_id": 57, "meta": meta, "something_new": [1, {"x": None}]}
    payload["created_at"] = "2026-12-06 16:02:00 UTC"
    r = deliver(cw_api, json.dumps(payload).encode())
    assert r.status_code == 201, r.text
    conv = conversation(cw_api)
    assert conv["external_id"] == "chatwoot:7:57"
    assert len(cw_api.as_("sue", "GET", f"/conversations/{conv['id']}").json()["messages"]) == 2


def test_another_teams_conversation_with_the_same_id_is_never_used(cw_api: Api) -> None:
    r = cw_api.as_("carl", "POST", "/conversations", json={"external_id": "chatwoot:7:57"})
    assert r.status_code == 201, r.text
    assert deliver(cw_api, fixture("message_created")).status_code == 201
    theirs = cw_api.as_("carl", "GET", f"/conversations/{r.json()['id']}/messages").json()
    assert theirs == []
    assert conversation(cw_api, "a")["id"] != r.json()["id"]


def test_numeric_message_types_and_agent_replies() -> None:
    adapter = ChatwootAdapter(SECRET)
    payload = json.loads(fixture("message_created"))
    assert adapter.parse({**payload, "message_type": 0}).role == "customer"
    reply = adapter.parse({**payload, "message_type": 1, "content": "Sorry, checking now"})
    assert reply.kind == "message" and reply.role == "agent"
    assert adapter.parse({**payload, "message_type": 3}).kind == "ignored"
    assert adapter.parse({**payload, "content": None}).kind == "ignored"  # an attachment only


def _notes(api: Api) -> list[Any]:
    from sqlalchemy import select

    from calmline.cases.models import Delivery

    with api.services.factory() as s:
        rows = s.scalars(select(Delivery).where(Delivery.event == "note.chatwoot").order_by(Delivery.id)).all()
        for r in rows:
            s.expunge(r)
        return list(rows)


def test_a_failed_note_is_retried_from_the_outbox_and_lands_once(cw_api: Api, chatwoot: FakeChatwoot) -> None:
    """Regression: notes were retried in memory (3 tries) on their own threads; now they are outbox rows."""
    chatwoot.statuses = [500]
    assert deliver(cw_api, fixture("message_created")).status_code == 201
    queued = _notes(cw_api)
    assert queued and all(d.status == "pending" and d.attempts == 0 for d in queued)
    assert queued[0].payload["external_id"] == "chatwoot:7:57" and queued[0].payload["text"].startswith("Calmline ")
    assert "token" not in json.dumps(queued[0].payload).lower()  # credentials come from the settings, never stored
    first = flush(cw_api)
    failed = [d for d in _notes(cw_api) if d.status == "pending"]
    assert len(failed) == 1 and failed[0].last_error == "HTTP 500" and failed[0].attempts == 1
    assert len(first) == len(queued) - 1
    assert flush(cw_api) == []  # not due yet: backoff
    later = flush(cw_api, now=datetime.now().astimezone() + timedelta(minutes=5))
    assert later == [failed[0].id]
    assert all(d.status == "sent" for d in _notes(cw_api))
    assert flush(cw_api, now=datetime.now().astimezone() + timedelta(hours=1)) == []  # nothing sent twice
    keys = [h["idempotency-key"] for _p, h, _n in chatwoot.received]
    assert len(keys) == len(queued) + 1  # one failed attempt, then each note once
    assert keys.count(f"calmline-delivery-{failed[0].id}") == 2  # the retry carries the same key
    delivered = [h["idempotency-key"] for _p, h, _n in chatwoot.received[1:]]
    assert sorted(delivered) == sorted(f"calmline-delivery-{d.id}" for d in queued)
    listed = cw_api.as_("admin", "GET", "/admin/deliveries").json()
    assert {d["event"] for d in listed} == {"note.chatwoot"} and all(d["status"] == "sent" for d in listed)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_note_pending_at_shutdown_is_delivered_after_a_restart(cw_api: Api, chatwoot: FakeChatwoot) -> None:
    """Chatwoot unreachable, then the service stops: a restarted service's scheduler delivers the note once."""
    from fastapi.testclient import TestClient

    from calmline.service.app import build_services, create_app

    down = cw_api.services.settings.model_copy(update={"chatwoot_url": f"http://127.0.0.1:{_closed_port()}/"})
    cw_api.services.settings = down
    assert deliver(cw_api, fixture("message_created")).status_code == 201
    assert flush(cw_api) == []
    pending = _notes(cw_api)
    assert pending and all(d.status == "pending" and d.attempts == 1 and d.last_error for d in pending)
    cw_api.client.__exit__(None, None, None)  # the service stops with the notes still pending
    restarted = down.model_copy(
        update={"chatwoot_url": chatwoot.url, "scheduler": True, "scheduler_interval_s": 0.05, "alert_backoff_s": 0.05}
    )
    services = build_services(restarted)
    with TestClient(create_app(restarted, services=services)):
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and len(chatwoot.received) < len(pending):
            time.sleep(0.05)
        time.sleep(0.3)  # a few more scheduler passes: nothing is sent twice
    services.engine.dispose()
    keys = sorted(h["idempotency-key"] for _p, h, _n in chatwoot.received)
    assert keys == sorted(f"calmline-delivery-{d.id}" for d in pending)
    assert all(d.status == "sent" for d in _notes(cw_api))


def test_chatwoot_outage_does_not_fail_the_inbound_delivery(cw_api: Api, chatwoot: FakeChatwoot) -> None:
    chatwoot.statuses = [500] * 20
    r = deliver(cw_api, fixture("message_created"))
    assert r.status_code == 201, r.text
    flush(cw_api)


def test_alerts_carry_the_helpdesk_ids(cw_api: Api) -> None:
    import dataclasses

    from sqlalchemy import select

    from calmline.cases.models import Delivery

    cw_api.services.policy = dataclasses.replace(cw_api.services.policy, alerts=True)
    assert deliver(cw_api, fixture("message_created")).status_code == 201
    conv = conversation(cw_api)
    r = cw_api.as_("sue", "POST", f"/conversations/{conv['id']}/escalations", json={"reason": "refund dispute"})
    assert r.status_code == 201, r.text
    with cw_api.services.factory() as s:
        payloads = [d.payload for d in s.scalars(select(Delivery)).all()]
    assert payloads and all(p["external_id"] == "chatwoot:7:57" for p in payloads), payloads


def test_redaction_covers_stored_text_and_notes(cw_api: Api, chatwoot: FakeChatwoot) -> None:
    cw_api.services.settings = cw_api.services.settings.model_copy(update={"redact": True})
    payload = json.loads(fixture("message_created"))
    payload["content"] += " Write to dana.private@example.com or call +44 20 7946 0958, you idiots."
    r = deliver(cw_api, json.dumps(payload).encode())
    assert r.status_code == 201, r.text
    assert "dana.private@example.com" not in r.text and "7946" not in r.text
    flush(cw_api)
    assert chatwoot.received
    for _path, _headers, note in chatwoot.received:
        assert "dana.private@example.com" not in note["content"] and "7946 0958" not in note["content"]


def _case(api: Api, conv_id: str) -> dict[str, Any]:
    detail = api.as_("admin", "GET", f"/conversations/{conv_id}").json()
    return dict(api.as_("admin", "GET", f"/cases/{detail['case']}").json())


def test_an_edited_message_is_read_again_in_place(cw_api: Api, chatwoot: FakeChatwoot) -> None:
    first = deliver(cw_api, fixture("message_created"))
    assert first.status_code == 201, first.text
    labels = {s["label"] for s in first.json()["analysis"]["signals"]}
    assert "abuse.insult" in labels or any(lbl.startswith("abuse") for lbl in labels), labels
    conv = conversation(cw_api)
    incidents_before = cw_api.as_("admin", "GET", f"/conversations/{conv['id']}/incidents").json()
    flush(cw_api)
    notes_before = len(chatwoot.received)
    r = deliver(cw_api, fixture("message_updated"))  # the customer took the insult out
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["edited"] is True and out["duplicate"] is False
    assert out["message"]["id"] == first.json()["message"]["id"]
    assert "idiots" not in out["message"]["text"] and out["message"]["text"].endswith("please.")
    assert not any(s["label"].startswith("abuse") for s in out["analysis"]["signals"])
    msgs = cw_api.as_("admin", "GET", f"/conversations/{conv['id']}/messages").json()
    assert len(msgs) == 1 and msgs[0]["text"] == out["message"]["text"]  # stored text follows the edit
    assert not any(s["label"].startswith("abuse") for s in msgs[0]["analysis"]["signals"])
    detail = cw_api.as_("admin", "GET", f"/conversations/{conv['id']}").json()
    assert detail["analysis"]["turns"][0]["text"] == out["message"]["text"]
    incidents = cw_api.as_("admin", "GET", f"/conversations/{conv['id']}/incidents").json()
    assert len(incidents) <= len(incidents_before)  # replaced by the new reading, never doubled
    audit = cw_api.as_("admin", "GET", "/admin/audit").json()
    edits = [a for a in audit if a["action"] == "message.edit"]
    assert len(edits) == 1 and "idiots" not in json.dumps(edits)  # the old text is not kept in the log
    # the same edit delivered again changes nothing
    again = deliver(cw_api, fixture("message_updated"))
    assert again.status_code == 200 and again.json()["duplicate"] is True and again.json()["edited"] is False
    assert len([a for a in cw_api.as_("admin", "GET", "/admin/audit").json() if a["action"] == "message.edit"]) == 1
    flush(cw_api)
    # a calmer text calls for no boundary note; only guidance that changed is noted again
    assert all(n["content"].startswith("Calmline guidance") for _p, _h, n in chatwoot.received[notes_before:])


def test_an_edit_that_turns_abusive_is_noted_and_an_unseen_edit_is_stored_as_new(
    cw_api: Api, chatwoot: FakeChatwoot
) -> None:
    calm = json.loads(fixture("message_updated"))
    calm["event"] = "message_created"
    assert deliver(cw_api, json.dumps(calm).encode()).status_code == 201
    flush(cw_api)
    before = len(chatwoot.received)
    r = deliver(cw_api, fixture("message_created").replace(b'"message_created"', b'"message_updated"', 1))
    assert r.status_code == 200 and r.json()["edited"] is True, r.text
    assert any(s["label"].startswith("abuse") for s in r.json()["analysis"]["signals"])
    flush(cw_api)
    assert len(chatwoot.received) > before  # the edit now calls for a boundary note
    unseen = json.loads(fixture("message_updated"))
    unseen["id"] = 4999
    r = deliver(cw_api, json.dumps(unseen).encode())
    assert r.status_code == 201 and r.json()["duplicate"] is False, r.text
    conv = conversation(cw_api)
    assert len(cw_api.as_("admin", "GET", f"/conversations/{conv['id']}/messages").json()) == 2


def test_deleted_and_private_edits_are_ignored(cw_api: Api) -> None:
    deleted = json.loads(fixture("message_updated"))
    deleted["content_attributes"] = {"deleted": True}
    deleted["content"] = "This message was deleted"
    r = deliver(cw_api, json.dumps(deleted).encode())
    assert r.status_code == 202 and "deleted" in r.json()["ignored"]
    private = json.loads(fixture("message_updated"))
    private["private"] = True
    assert deliver(cw_api, json.dumps(private).encode()).json()["ignored"]


def test_resolved_in_chatwoot_resolves_the_case_and_reopened_reopens_it(cw_api: Api) -> None:
    assert deliver(cw_api, fixture("message_created")).status_code == 201
    conv = conversation(cw_api)
    r = deliver(cw_api, fixture("conversation_status_changed"))
    assert r.status_code == 202, r.text
    assert r.json()["changed"] == {"status": "resolved"} and r.json()["status"] == "resolved"
    case = _case(cw_api, conv["id"])
    assert case["status"] == "resolved" and case["resolution"] == "resolved in chatwoot"
    follow_ups = [t for t in case["timers"] if t["kind"] == "follow_up"]
    assert [t["status"] for t in follow_ups] == ["pending"]
    # a redelivery changes nothing
    again = deliver(cw_api, fixture("conversation_status_changed"))
    assert again.json()["changed"] == {} and len(_case(cw_api, conv["id"])["timers"]) == len(case["timers"])
    r = deliver(cw_api, fixture("conversation_status_changed_reopened"))
    assert r.status_code == 202 and r.json()["changed"] == {"status": "open"}, r.text
    case = _case(cw_api, conv["id"])
    assert case["status"] == "open" and conversation(cw_api)["status"] == "open"
    assert [t["status"] for t in case["timers"] if t["kind"] == "follow_up"] == ["cancelled"]
    actions = [a["action"] for a in cw_api.as_("admin", "GET", "/admin/audit").json()]
    assert "case.resolve" in actions and "case.reopen" in actions


def test_a_closed_conversation_stays_closed(cw_api: Api) -> None:
    assert deliver(cw_api, fixture("message_created")).status_code == 201
    conv = conversation(cw_api)
    assert cw_api.as_("sue", "POST", f"/conversations/{conv['id']}/close", json={"reason": "ended"}).status_code == 200
    r = deliver(cw_api, fixture("conversation_status_changed"))
    assert r.json()["changed"] == {} and r.json()["status"] == "closed"
    r = deliver(cw_api, fixture("message_updated"))
    assert r.status_code == 200 and r.json()["duplicate"] is True  # an edit after closing is not applied
    later = json.loads(fixture("message_created"))
    later.update(id=4899, content="Hello? Anyone there?")
    r = deliver(cw_api, json.dumps(later).encode())  # a new message: read no more, and no error for Chatwoot
    assert r.status_code == 202 and "closed" in r.json()["ignored"] and r.json()["conversation"] == conv["id"]
    unseen = json.loads(fixture("message_updated"))
    unseen.update(id=4900, content="Edited: hello?")  # an edit of a message never seen is read as new: not here
    r = deliver(cw_api, json.dumps(unseen).encode())
    assert r.status_code == 202 and "closed" in r.json()["ignored"], r.text
    assert len(cw_api.as_("sue", "GET", f"/conversations/{conv['id']}/messages").json()) == 1
