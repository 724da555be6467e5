"""Issue #19, item 3: with CALMLINE_REDACT=1 no planted personal data reaches the database, the WAL or the log."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text

from calmline.cases.redaction import redact
from calmline.cases.store import create_token
from calmline.service.app import build_services, create_app
from calmline.service.routes.webhooks import signature
from calmline.service.settings import Settings

EMAIL, PHONE, CARD, IBAN = (
    "sam.planted@example.com",
    "07700 900123",
    "4242 4242 4242 4242",
    "GB82 WEST 1234 5698 7654 32",
)
PLANTED = [
    "sam.planted",
    "07700 900123",
    "07700900123",
    "4242 4242 4242 4242",
    "4242424242424242",
    "GB82 WEST",
    "GB82WEST",
    "0049 30 901820",
]
PII = f"{EMAIL}, {PHONE}, card {CARD}, IBAN {IBAN}, 0049 30 901820"


def _everything(client: TestClient, h: dict[str, str], sup: dict[str, str]) -> None:
    """Plant PII in every free-text field the API accepts."""
    conv = client.post("/conversations", json={"agent": "alice", "external_id": EMAIL}, headers=sup).json()
    cid = conv["id"]
    body = {"client_id": f"from {EMAIL}", "role": "customer", "author": f"Sam {PHONE}", "text": f"I am {PII}"}
    r = client.post(f"/conversations/{cid}/messages", json=body, headers=h)
    assert r.status_code == 201, r.text
    retry = client.post(f"/conversations/{cid}/messages", json=body, headers=h)
    assert retry.json()["duplicate"] is True  # the hashed client id still deduplicates
    mid = r.json()["message"]["id"]
    agent = {"client_id": "a1", "role": "agent", "text": f"Noted, I will call {PHONE}"}
    assert client.post(f"/conversations/{cid}/messages", json=agent, headers=h).status_code == 201
    esc = client.post(f"/conversations/{cid}/escalations", json={"reason": PII, "to": EMAIL}, headers=h).json()
    cb = {"at": "2030-01-01T10:00:00Z", "owner": "sue", "note": f"ring {PHONE}"}
    assert client.post(f"/escalations/{esc['id']}/callbacks", json=cb, headers=sup).status_code == 201
    dispute = {"message_id": mid, "kind": "risk", "reason": f"customer {EMAIL} was calm"}
    assert client.post(f"/conversations/{cid}/disputes", json=dispute, headers=h).status_code == 201
    missed = {"message_id": mid, "label": f"pii {PHONE}", "reason_code": "missed", "reason": "a phone number"}
    assert client.post(f"/conversations/{cid}/disputes", json=missed, headers=h).status_code == 201
    accommodation = {"kind": "refund", "amount": 20, "currency": "GBP", "reason": f"refund {CARD}", "topic": EMAIL}
    acc = client.post(f"/conversations/{cid}/accommodations", json=accommodation, headers=h)
    assert acc.status_code == 201, acc.text
    assert not any(p in client.get("/insights/consistency", headers=sup).text for p in PLANTED)
    persona = client.get("/practice/personas", headers=h).json()[0]["id"]
    practice = client.post("/practice/sessions", json={"persona": persona}, headers=h).json()
    reply = {"text": f"Sorry! Write to {EMAIL} or call {PHONE}"}
    assert client.post(f"/practice/sessions/{practice['id']}/replies", json=reply, headers=h).status_code == 200
    export = client.get("/disputes/export.jsonl", headers=sup).text
    assert export and not any(p in export for p in PLANTED)
    resolve = client.post(f"/cases/{conv['case']}/resolve", json={"resolution": f"refunded to {IBAN}"}, headers=h)
    assert resolve.status_code == 200, resolve.text
    assert client.post(f"/conversations/{cid}/close", json={"reason": f"bye {EMAIL}"}, headers=h).status_code == 200
    # the inbound webhook with an email as the helpdesk id: matched twice, stored hashed
    ids = set()
    for i in range(2):
        raw = json.dumps(
            {
                "conversation": "sam.planted+2@example.com",
                "client_id": f"w{i}",
                "role": "customer",
                "agent": "alice",
                "text": PII,
            }
        ).encode()
        w = client.post("/webhooks/inbound", content=raw, headers={"X-Calmline-Signature": signature("s3", raw)})
        assert w.status_code == 201, w.text
        ids.add(w.json()["conversation"]["id"])
    assert len(ids) == 1
    listed = client.get("/conversations", headers=sup).json()
    assert all(EMAIL not in (c["external_id"] or "") for c in listed)


def test_planted_pii_is_nowhere(settings: Settings, backend: str, tmp_path: Path, caplog: Any) -> None:
    settings = settings.model_copy(
        update={"redact": True, "inbound_webhook_secret": "s3", "alert_webhook_url": "http://127.0.0.1:9/alerts"}
    )
    services = build_services(settings)
    with caplog.at_level(logging.INFO), TestClient(create_app(settings, services=services)) as client:
        with services.factory() as s:
            token = create_token(s, name="alice", role="agent", team="default")[1]
            sup_token = create_token(s, name="sue", role="supervisor", team="default")[1]
            s.commit()
        _everything(client, {"Authorization": f"Bearer {token}"}, {"Authorization": f"Bearer {sup_token}"})
        # an access-log line as uvicorn writes it, with a percent-encoded email in the query
        logging.getLogger("uvicorn.access").info(
            '%s - "%s %s HTTP/%s" %d', "127.0.0.1", "GET", "/conversations?agent=sam.planted%40example.com", "1.1", 200
        )
        logging.getLogger("calmline.service").warning("customer wrote from %s", EMAIL)
        with services.factory() as s:
            dump = []
            for table in inspect(services.engine).get_table_names():  # every table, those added later too
                dump += [f"{table}: {tuple(row)!r}" for row in s.execute(text(f"SELECT * FROM {table}"))]
        rows = "\n".join(dump)
        assert "escalation" in rows and "[email]" in rows
        assert not [p for p in PLANTED if p in rows], [line for line in dump if any(p in line for p in PLANTED)]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "[email]" in logged and not [p for p in PLANTED if p in logged]
    services.engine.dispose()
    if backend == "sqlite":
        db = Path(settings.database_url.removeprefix("sqlite:///"))
        for f in (db, db.with_name(db.name + "-wal")):
            if f.exists():
                data = f.read_bytes()
                assert not [p for p in PLANTED if p.encode() in data], f


def test_redaction_longer_than_the_text_still_fits(settings: Settings) -> None:
    """A redaction token can be longer than what it replaces ("[email]" for "a@b.c"): a topic, label or
    escalation target at the API's length limit, redacted, is stored whole on both databases (migration
    0009 made those columns text), not a server error."""
    settings = settings.model_copy(update={"redact": True})
    services = build_services(settings)
    with TestClient(create_app(settings, services=services)) as client:
        with services.factory() as s:
            h = {"Authorization": f"Bearer {create_token(s, name='alice', role='agent', team='default')[1]}"}
            s.commit()
        cid = client.post("/conversations", json={"agent": "alice"}, headers=h).json()["id"]
        msg = {"client_id": "m1", "role": "customer", "text": "I was charged twice"}
        mid = client.post(f"/conversations/{cid}/messages", json=msg, headers=h).json()["message"]["id"]
        topic = " ".join(["a@b.c"] * 33)  # 197 characters, 263 once redacted
        acc = {"kind": "refund", "amount": 5, "currency": "GBP", "reason": "goodwill", "topic": topic}
        r = client.post(f"/conversations/{cid}/accommodations", json=acc, headers=h)
        assert r.status_code == 201, r.text
        label = " ".join(["a@b.c"] * 20)  # 119 characters, 159 once redacted
        missed = {"message_id": mid, "label": label, "reason_code": "missed", "reason": "x", "expected": topic}
        r = client.post(f"/conversations/{cid}/disputes", json=missed, headers=h)
        assert r.status_code == 201, r.text
        r = client.post(f"/conversations/{cid}/escalations", json={"reason": "x", "to": topic}, headers=h)
        assert r.status_code == 201, r.text
        with services.factory() as s:
            stored = s.execute(text("SELECT topic FROM accommodations")).scalar_one()
            assert stored == " ".join(["[email]"] * 33)
            assert s.execute(text("SELECT label FROM disputes")).scalar_one() == " ".join(["[email]"] * 20)
            assert s.execute(text("SELECT expected FROM disputes")).scalar_one() == stored
            assert s.execute(text('SELECT "to" FROM escalations')).scalar_one() == stored
    services.engine.dispose()


def test_nothing_redacted_when_off(api: Any, conv: dict[str, Any]) -> None:
    r = api.as_("alice", "POST", f"/conversations/{conv['id']}/escalations", json={"reason": f"mail {EMAIL}"})
    assert r.json()["reason"] == f"mail {EMAIL}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("call 0049 30 901820", "call [phone]"),
        ("or 07700 900123", "or [phone]"),
        ("+44 (0)20 7946 0958", "[phone]"),
        (f"IBAN {IBAN}.", "IBAN [iban]."),
        ("DE89370400440532013000", "[iban]"),
        ("DE89370400440532013001", "DE89370400440532013001"),  # checksum fails: not an IBAN
        ("case CL-000123 and order 5512345678", "case CL-000123 and order 5512345678"),
        ("parcel 9400 1000 0000 0000 0000 00", "parcel 9400 1000 0000 0000 0000 00"),
        ("tracking number: 7489 2349 8221", "tracking number: 7489 2349 8221"),
        ("ref 2026-554433, RR123456785GB, 1Z999AA10123456784", "ref 2026-554433, RR123456785GB, 1Z999AA10123456784"),
        ("order #A-55123, phone 07911 123456", "order #A-55123, phone [phone]"),
        ("12:30 to 14:45 on 2026-01-02, 1.234.567,89 EUR", "12:30 to 14:45 on 2026-01-02, 1.234.567,89 EUR"),
        # no-break, narrow no-break and figure spaces between the groups (pasted from HTML, French style)
        ("call +44\u00a020\u00a07946\u00a00958", "call [phone]"),
        ("mob +33\u202f6\u202f12\u202f34\u202f56\u202f78", "mob [phone]"),
        ("or 07700\u2007900123", "or [phone]"),
        ("card 4111\u00a01111\u00a01111\u00a01111", "card [card]"),
        ("GB82\u00a0WEST\u00a01234\u00a05698\u00a07654\u00a032", "[iban]"),
        # a label and a colon, no space: a signature's 'Tel:' or a tel: link; a time stays
        ("Tel:07700 900123, Phone:+447700900123", "Tel:[phone], Phone:[phone]"),
        ("<a href='tel:+442079460958'>", "<a href='tel:[phone]'>"),
        ("Time:10:30, ratio 1:07700900123", "Time:10:30, ratio 1:07700900123"),
        # an email in a pasted link, its at sign percent-encoded, or written full-width
        ("https://shop.example/track?email=sam%40example.com&n=2", "https://shop.example/track?email=[email]&n=2"),
        ("sam\uff20example.com", "[email]"),
    ],
)
def test_redaction_formats(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_phone_region_is_configurable() -> None:
    assert redact("ruf an: 030 901820", region="DE") == "ruf an: [phone]"
    assert redact("(415) 555-0123", region="US") == "[phone]"
