"""Zendesk in and out: signed event webhooks shaped like Zendesk's, internal notes on a local fake Zendesk."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")

from calmline.cases.outbox import deliver_due
from calmline.integrations.zendesk import ZendeskAdapter, sign
from calmline.service.helpdesks import note_targets

from .conftest import Api

FIXTURES = Path(__file__).parent / "fixtures" / "zendesk"
SECRET = "zd-signing-secret"
EMAIL = "bot@acme.example"
TOKEN = "zd-api-token"


def fixture(name: str) -> bytes:
    return (FIXTURES / f"{name}.json").read_bytes()


class FakeZendesk:
    """Records the requests made to it (method, path, headers, JSON); answers ``statuses`` first, then 200."""

    def __init__(self) -> None:
        self.received: list[tuple[str, str, dict[str, str], Any]] = []
        self.statuses: list[int] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {k.lower(): v for k, v in self.headers.items()}
                fake.received.append((self.command, self.path, headers, json.loads(body)))
                code = fake.statuses.pop(0) if fake.statuses else 200
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"ticket": {"id": 5158}}')

            do_PUT = do_POST = _answer

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def zendesk() -> Iterator[FakeZendesk]:
    fake = FakeZendesk()
    yield fake
    fake.close()


@pytest.fixture
def zd_api(api: Api, zendesk: FakeZendesk) -> Api:
    api.services.settings = api.services.settings.model_copy(
        update={
            "zendesk_webhook_secret": SECRET,
            "zendesk_url": zendesk.url,
            "zendesk_email": EMAIL,
            "zendesk_api_token": TOKEN,
            "zendesk_note_events": "boundary,escalation",
            "zendesk_teams": "360001=a,360002=b",
        }
    )
    return api


def _stamp(when: datetime | None = None) -> str:
    return (when or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")


def deliver(api: Api, body: bytes, *, ts: str | None = None, secret: str = SECRET) -> Any:
    stamp = ts or _stamp()
    headers = {
        "Content-Type": "application/json",
        "X-Zendesk-Webhook-Id": "01HZ0000000000000000000000",
        "X-Zendesk-Webhook-Signature-Timestamp": stamp,
        "X-Zendesk-Webhook-Signature": sign(secret, stamp, body),
    }
    return api.client.post("/integrations/zendesk/webhook", content=body, headers=headers)


def flush(api: Api, now: datetime | None = None) -> list[int]:
    return deliver_due(api.services.factory, url=None, notes=note_targets(api.services.settings), now=now)


def conversation(api: Api, team: str = "a") -> dict[str, Any]:
    rows = api.as_("admin", "GET", "/conversations").json()
    found = [c for c in rows if c["external_id"] == "zendesk:22129848:5158" and c["team"] == team]
    assert len(found) == 1, rows
    return dict(found[0])


def test_signature_is_zendesks_documented_one() -> None:
    """base64(HMAC-SHA256(secret, timestamp + body)), checked against a digest computed independently."""
    import hashlib
    import hmac

    body, stamp = b'{"type": "x"}', "2026-12-06T15:58:12Z"
    expected = base64.b64encode(hmac.new(b"s3cret", (stamp + '{"type": "x"}').encode(), hashlib.sha256).digest())
    assert sign("s3cret", stamp, body) == expected.decode()
    adapter = ZendeskAdapter("s3cret")
    when = datetime(2026, 12, 6, 15, 58, 12, tzinfo=UTC).timestamp()
    headers = {"X-Zendesk-Webhook-Signature": expected.decode(), "X-Zendesk-Webhook-Signature-Timestamp": stamp}
    adapter.verify(headers, body, now=when + 10)  # fresh: no error


def test_a_customer_comment_is_analysed_and_an_internal_note_lands_on_zendesk(
    zd_api: Api, zendesk: FakeZendesk
) -> None:
    r = deliver(zd_api, fixture("comment_added"))
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["message"]["role"] == "customer" and out["message"]["author"] == "Dana Customer"
    assert any(s["label"].startswith("abuse") for s in out["analysis"]["signals"])
    conv = conversation(zd_api)
    assert conv["agent"] == "zendesk:8447388090494" and conv["team"] == "a"  # group 360001 -> team a
    assert zd_api.as_("sue", "GET", f"/conversations/{conv['id']}").status_code == 200
    assert zd_api.as_("tom", "GET", f"/conversations/{conv['id']}").status_code == 404
    sent = flush(zd_api)
    assert sent and len(zendesk.received) == len(sent)
    method, path, headers, note = zendesk.received[0]
    assert (method, path) == ("PUT", "/api/v2/tickets/5158")
    assert headers["authorization"] == "Basic " + base64.b64encode(f"{EMAIL}/token:{TOKEN}".encode()).decode()
    assert headers["idempotency-key"] == f"calmline-delivery-{sent[0]}"
    assert note["ticket"]["comment"]["public"] is False
    assert (
        note["ticket"]["comment"]["body"].startswith("Calmline ") and out["case"] in note["ticket"]["comment"]["body"]
    )


def test_redelivery_private_notes_and_unused_events(zd_api: Api, zendesk: FakeZendesk) -> None:
    assert deliver(zd_api, fixture("comment_added")).status_code == 201
    again = deliver(zd_api, fixture("comment_added"))
    assert again.status_code == 200 and again.json()["duplicate"] is True
    queued = flush(zd_api)
    for name in ("comment_added_private", "priority_changed"):  # our own note coming back; an unused event
        r = deliver(zd_api, fixture(name))
        assert r.status_code == 202 and r.json()["ignored"], (name, r.text)
    assert flush(zd_api) == [] and len(zendesk.received) == len(queued)  # one note set, never twice


def test_an_agent_comment_is_an_agent_message(zd_api: Api) -> None:
    payload = json.loads(fixture("comment_added"))
    payload["event"]["comment"].update(id="30064117810700", body="Sorry, checking now.")
    payload["event"]["comment"]["author"].update(is_staff=True, name="Alice Agent")
    r = deliver(zd_api, json.dumps(payload).encode())
    assert r.status_code == 201 and r.json()["message"]["role"] == "agent", r.text


def test_status_and_assignment_are_followed(zd_api: Api) -> None:
    assert deliver(zd_api, fixture("comment_added")).status_code == 201
    conv = conversation(zd_api)
    r = deliver(zd_api, fixture("agent_assignment_changed"))
    assert r.status_code == 202 and r.json()["changed"] == {"agent": "zendesk:8447388090777"}, r.text
    solved = json.loads(fixture("status_changed"))
    solved["detail"]["assignee_id"] = "8447388090777"  # each event's detail is the ticket as it is now
    r = deliver(zd_api, json.dumps(solved).encode())
    assert r.json()["changed"] == {"status": "resolved"} and r.json()["zendesk_status"] == "solved", r.text
    case = zd_api.as_("admin", "GET", f"/cases/{conversation(zd_api)['case']}").json()
    assert case["status"] == "resolved" and [t["kind"] for t in case["timers"]] == ["follow_up"]
    reopened = json.loads(fixture("status_reopened"))
    reopened["detail"]["assignee_id"] = "8447388090777"
    r = deliver(zd_api, json.dumps(reopened).encode())
    assert r.json()["changed"] == {"status": "open"} and conversation(zd_api)["status"] == "open"
    assert conversation(zd_api)["id"] == conv["id"]


def test_a_ticket_moved_to_another_group_continues_in_that_teams_conversation(zd_api: Api) -> None:
    assert deliver(zd_api, fixture("comment_added")).status_code == 201
    payload = json.loads(fixture("comment_added"))
    payload["detail"]["group_id"] = "360002"
    payload["event"]["comment"]["id"] = "30064117810800"
    assert deliver(zd_api, json.dumps(payload).encode()).status_code == 201
    a, b = conversation(zd_api, "a"), conversation(zd_api, "b")
    assert a["id"] != b["id"]
    assert zd_api.as_("tom", "GET", f"/conversations/{a['id']}").status_code == 404
    assert len(zd_api.as_("tom", "GET", f"/conversations/{b['id']}/messages").json()) == 1


def test_a_failed_note_is_retried_from_the_outbox(zd_api: Api, zendesk: FakeZendesk) -> None:
    zendesk.statuses = [503]
    assert deliver(zd_api, fixture("comment_added")).status_code == 201
    first = flush(zd_api)
    later = flush(zd_api, now=datetime.now(UTC) + timedelta(minutes=5))
    assert len(later) == 1 and later[0] not in first
    keys = [h["idempotency-key"] for _m, _p, h, _n in zendesk.received]
    assert keys.count(f"calmline-delivery-{later[0]}") == 2  # the retry carries the same key


def test_bad_missing_and_stale_signatures_are_refused(zd_api: Api) -> None:
    body = fixture("comment_added")
    assert deliver(zd_api, body, secret="wrong").status_code == 403
    r = deliver(zd_api, body, ts=_stamp(datetime.now(UTC) - timedelta(hours=1)))
    assert r.status_code == 403 and "stale" in r.text
    assert deliver(zd_api, body, ts=_stamp(datetime.now(UTC) + timedelta(hours=1))).status_code == 403
    assert deliver(zd_api, body, ts="yesterday").status_code == 403
    r = zd_api.client.post("/integrations/zendesk/webhook", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 401
    stamp = _stamp()
    tampered = {
        "X-Zendesk-Webhook-Signature-Timestamp": stamp,
        "X-Zendesk-Webhook-Signature": sign(SECRET, stamp, body),
    }
    assert zd_api.client.post("/integrations/zendesk/webhook", content=body + b" ", headers=tampered).status_code == 403


def test_off_without_a_secret(api: Api) -> None:
    assert deliver(api, fixture("comment_added")).status_code == 404


MALFORMED = [
    b"",
    b"not json",
    b"\xff\xfe\x00",
    b"[1, 2]",
    b'{"type": 5}',
    b'{"type": "zen:event-type:ticket.comment_added"}',
    b'{"type": "zen:event-type:ticket.comment_added", "account_id": 1, "detail": {"id": "5"}, "event": {}}',
    b'{"type": "zen:event-type:ticket.comment_added", "account_id": 1, "detail": {"id": {"x": 1}}, '
    b'"event": {"comment": {"id": 1, "body": "hi", "is_public": true}}}',
    b'{"type": "zen:event-type:ticket.comment_added", "account_id": 1, "detail": {"id": "5"}, '
    b'"event": {"comment": {"id": 1, "body": ["x"], "is_public": true}}}',
    b'{"type": "zen:event-type:ticket.status_changed", "account_id": true, "detail": {"id": "5"}, "event": {}}',
    b'{"type": "zen:event-type:ticket.comment_added", "account_id": 1, "detail": {"id": "5"}, '
    b'"time": "2150-01-01T00:00:00Z", "event": {"comment": {"id": 1, "body": "hi", "is_public": true}}}',
    b'{"type": "zen:event-type:ticket.comment_added", "account_id": 1, "detail": {"id": "5"}, '
    b'"time": "0001-01-01T00:00:00+14:00", "event": {"comment": {"id": 1, "body": "hi", "is_public": true}}}',
    b'{"type": "zen:event-type:ticket.comment_added", "account_id": 1, "detail": {"id": "5"}, '
    b'"time": "yesterday", "event": {"comment": {"id": 1, "body": "hi", "is_public": true}}}',
    b"[" * 100_000,
]


def test_malformed_payloads_get_a_4xx(zd_api: Api) -> None:
    # one app for every body (each case is a separate request; a fresh app per case cost ~2.5 s)
    for body in MALFORMED:
        r = deliver(zd_api, body)
        assert 400 <= r.status_code < 500, (body[:80], r.status_code, r.text)


def test_a_huge_body_is_413(zd_api: Api) -> None:
    limit = zd_api.services.settings.max_body_bytes
    r = deliver(zd_api, b'{"type": "' + b"x" * (limit + 10) + b'"}')
    assert r.status_code == 413


def test_comments_on_a_ticket_whose_conversation_calmline_closed_are_ignored_not_refused(zd_api: Api) -> None:
    """Zendesk retries a delivery answered 409 (and counts errors towards its circuit breaker): a comment on a
    ticket whose Calmline conversation is closed (the boundary policy ended it, or a supervisor) is a normal
    event, answered 202 and not read; a redelivery of a comment read before the close is still the original."""
    assert deliver(zd_api, fixture("comment_added")).status_code == 201
    conv = conversation(zd_api)
    assert zd_api.as_("sue", "POST", f"/conversations/{conv['id']}/close", json={"reason": "ended"}).status_code == 200
    for staff, comment_id in ((False, "30064117810901"), (True, "30064117810902")):
        payload = json.loads(fixture("comment_added"))
        payload["event"]["comment"].update(id=comment_id, body="Any news on my refund?")
        payload["event"]["comment"]["author"]["is_staff"] = staff
        r = deliver(zd_api, json.dumps(payload).encode())
        assert r.status_code == 202, r.text
        assert "closed" in r.json()["ignored"] and r.json()["conversation"] == conv["id"]
    assert len(zd_api.as_("sue", "GET", f"/conversations/{conv['id']}/messages").json()) == 1
    again = deliver(zd_api, fixture("comment_added"))
    assert again.status_code == 200 and again.json()["duplicate"] is True
