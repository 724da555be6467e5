"""Regressions from the service review: team-scoped identity, ordering, races, input, redaction, settings."""

from __future__ import annotations

import json
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from calmline.cases import pipeline, store
from calmline.cases.models import ConversationRow, Delivery, Timer
from calmline.cases.pipeline import analyse_message
from calmline.cases.redaction import RedactingFilter, install_log_redaction, redact
from calmline.cases.scheduler import Scheduler
from calmline.service.app import bootstrap_admin, build_services, create_app
from calmline.service.errors import ServiceError
from calmline.service.routes.webhooks import signature
from calmline.service.settings import Settings
from tests.service.conftest import Api, TestClient, say


def _token(api: Api, who: str, name: str, role: str, team: str) -> None:
    r = api.as_("admin", "POST", "/admin/tokens", json={"name": name, "role": role, "team": team})
    assert r.status_code == 201, r.text
    api.tokens[who] = r.json()["token"]


# 1. identity is name AND team


def test_same_agent_name_in_another_team_sees_nothing(api: Api, conv: dict[str, Any]) -> None:
    _token(api, "alice_b", "alice", "agent", "b")  # another person called alice, in team b
    say(api, "alice", conv["id"], "customer", "You are useless idiots!")
    assert api.as_("alice_b", "GET", f"/conversations/{conv['id']}").status_code == 404
    assert api.as_("alice_b", "GET", "/conversations").json() == []
    assert api.as_("alice_b", "GET", f"/cases/{conv['case']}").status_code == 404
    assert api.as_("alice_b", "GET", "/wellbeing/alice").json()["abusive_messages"] == 0
    assert api.as_("alice", "GET", "/wellbeing/alice").json()["abusive_messages"] == 1
    assert api.as_("tom", "GET", "/wellbeing").json() == [] or all(
        w["abusive_messages"] == 0 for w in api.as_("tom", "GET", "/wellbeing").json()
    )


def test_duplicate_token_name_in_a_team_is_409(api: Api) -> None:
    r = api.as_("admin", "POST", "/admin/tokens", json={"name": "alice", "role": "agent", "team": "a"})
    assert r.status_code == 409, r.text
    ok = api.as_("admin", "POST", "/admin/tokens", json={"name": "alice", "role": "agent", "team": "z"})
    assert ok.status_code == 201


# 2. only the newest analysed message sets the conversation's state


def test_late_older_analysis_does_not_overwrite_state(api: Api, conv: dict[str, Any]) -> None:
    services = api.services
    with services.factory() as s:
        c = s.get(ConversationRow, conv["id"])
        actor = store.Actor("alice", "agent", "a")
        old = store.add_message(s, actor, c, client_id="o1", role="customer", text="You idiots, this is the worst!!!")
        new = store.add_message(s, actor, c, client_id="o2", role="customer", text="Thanks, that is fine now.")
        s.commit()
        old_id, new_id = old.id, new.id
    states = []
    for mid in (new_id, old_id):  # the newer one finishes first
        with services.factory() as s, s.begin():
            assert analyse_message(s, mid, services.policy) is not None
        with services.factory() as s:
            c = s.get(ConversationRow, conv["id"])
            assert c is not None
            states.append((c.state, c.risk, c.trend, c.last_analysed_message_id))
    assert states[0] == states[1]
    assert states[1][3] == new_id


# 3. races


def _parallel(n: int, fn: Any) -> list[Any]:
    with ThreadPoolExecutor(n) as ex:
        return list(ex.map(fn, range(n)))


def test_concurrent_claims_and_resolves_have_one_winner(api: Api, conv: dict[str, Any]) -> None:
    esc = api.as_("alice", "POST", f"/conversations/{conv['id']}/escalations", json={"reason": "x"}).json()
    codes = _parallel(6, lambda _: api.as_("sue", "POST", f"/escalations/{esc['id']}/claim").status_code)
    assert sorted(codes) == [200] + [409] * 5
    codes = _parallel(6, lambda _: api.as_("alice", "POST", f"/cases/{conv['case']}/resolve", json={}).status_code)
    assert sorted(codes) == [200] + [409] * 5
    with api.services.factory() as s:
        timers = s.scalars(select(Timer).where(Timer.conversation_id == conv["id"], Timer.kind == "follow_up")).all()
        assert len(timers) == 1


def test_concurrent_dispute_reviews_have_one_winner(api: Api, conv: dict[str, Any]) -> None:
    msg = say(api, "alice", conv["id"], "customer", "You idiots!").json()["message"]
    d = api.as_(
        "alice",
        "POST",
        f"/conversations/{conv['id']}/disputes",
        json={"message_id": msg["id"], "kind": "risk", "reason": "no"},
    ).json()
    codes = _parallel(
        5, lambda _: api.as_("sue", "POST", f"/disputes/{d['id']}/review", json={"status": "accepted"}).status_code
    )
    assert sorted(codes) == [200] + [409] * 4


def test_concurrent_creates_with_one_external_id(api: Api) -> None:
    codes = _parallel(
        6, lambda _: api.as_("alice", "POST", "/conversations", json={"external_id": "ext-1"}).status_code
    )
    assert sorted(codes) == [201] + [409] * 5


def test_concurrent_inbound_webhooks_for_a_new_conversation(settings: Settings) -> None:
    settings = settings.model_copy(update={"inbound_webhook_secret": "s3cret"})
    services = build_services(settings)
    with TestClient(create_app(settings, services=services), raise_server_exceptions=False) as client:

        def post(i: int) -> int:
            body = json.dumps(
                {"conversation": "zd-9", "client_id": f"c{i}", "role": "customer", "agent": "alice", "text": "hi"}
            ).encode()
            return client.post(
                "/webhooks/inbound", content=body, headers={"X-Calmline-Signature": signature("s3cret", body)}
            ).status_code

        assert _parallel(6, post) == [201] * 6
        with services.factory() as s:
            assert len(s.scalars(select(ConversationRow).where(ConversationRow.external_id == "zd-9")).all()) == 1
        bad = client.post(
            "/webhooks/inbound", content=b"{}", headers=[(b"x-calmline-signature", "sha256=\xe9".encode("latin-1"))]
        )
        assert bad.status_code == 403
    services.engine.dispose()


# 4. client input never gives a 500


@pytest.mark.parametrize("field", ["client_id", "author"])
def test_control_characters_in_message_fields_are_422(api: Api, conv: dict[str, Any], field: str) -> None:
    body = {"client_id": "ok", "role": "customer", "text": "hi", field: "a\x00b"}
    assert api.as_("alice", "POST", f"/conversations/{conv['id']}/messages", json=body).status_code == 422


def test_bad_free_text_and_huge_ids_are_4xx(api: Api, conv: dict[str, Any]) -> None:
    cid, case = conv["id"], conv["case"]
    assert api.as_("alice", "POST", "/conversations", json={"external_id": "x\x00"}).status_code == 422
    assert api.as_("alice", "POST", f"/conversations/{cid}/escalations", json={"reason": "\x00"}).status_code == 422
    assert api.as_("alice", "POST", f"/conversations/{cid}/escalations", json={"to": "a\x07"}).status_code == 422
    assert api.as_("alice", "POST", f"/cases/{case}/resolve", json={"resolution": "\x00"}).status_code == 422
    assert api.as_("alice", "POST", f"/cases/{case}/resolve", json={"follow_up_in_s": 1e12}).status_code == 422
    assert api.as_("alice", "POST", f"/conversations/{cid}/close", json={"reason": "\x00"}).status_code == 422
    assert api.as_("alice", "GET", "/cases/CL-999999999999").status_code == 404
    assert api.as_("sue", "GET", "/escalations/3000000000").status_code == 422
    assert api.as_("sue", "POST", "/escalations/3000000000/claim").status_code == 422
    assert api.as_("sue", "POST", "/disputes/3000000000/review", json={"status": "accepted"}).status_code == 422
    r = api.as_("alice", "POST", f"/conversations/{cid}/disputes", json={"message_id": 3000000000, "reason": "x"})
    assert r.status_code == 422
    r = api.as_("alice", "POST", f"/conversations/{cid}/disputes", json={"message_id": 1, "reason": "a\x00"})
    assert r.status_code == 422
    assert api.as_("alice", "GET", f"/conversations/{cid}/events?follow=false&after=3000000000").status_code == 422
    # ids past a 32-bit column: 422 here, not a PostgreSQL 'integer out of range' (500)
    assert api.as_("admin", "POST", "/admin/deliveries/3000000000/replay").status_code == 422
    acc = {"kind": "credit", "amount": 5, "currency": "EUR", "reason": "outage", "suggestion_id": 3000000000}
    assert api.as_("sue", "POST", f"/conversations/{cid}/accommodations", json=acc).status_code == 422
    r = api.as_("alice", "GET", f"/conversations/{cid}/events?follow=false", headers={"Last-Event-ID": "9" * 30})
    assert r.status_code == 200
    # newlines and tabs are fine
    assert api.as_("alice", "POST", f"/cases/{case}/resolve", json={"resolution": "a\n\tb"}).status_code == 200


def test_chunked_body_over_the_limit_is_413(api: Api, conv: dict[str, Any]) -> None:
    def chunks() -> Any:
        for _ in range(40):
            yield b"x" * 10_000

    r = api.as_("alice", "POST", f"/conversations/{conv['id']}/messages", content=chunks())
    assert r.status_code == 413, r.text


# 5. redaction


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Order 123456789", "Order 123456789"),
        ("order 12345678901 shipped", "order 12345678901 shipped"),
        ("at 2026-01-01 10:00 sharp", "at 2026-01-01 10:00 sharp"),
        ("on 01/02/2026 10:00", "on 01/02/2026 10:00"),
        ("server 192.168.100.200", "server 192.168.100.200"),
        ("call +44 20 7946 0958.", "call [phone]."),
        ("call (415) 555-0123 or 020 7946 0958", "call [phone] or [phone]"),
        ("+14155550123", "[phone]"),
    ],
)
def test_phone_redaction_needs_a_phone_shape(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_log_redaction_covers_child_loggers_and_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    install_log_redaction()
    install_log_redaction()  # idempotent
    with caplog.at_level(logging.INFO):
        for name in ("calmline.service", "calmline.cases", "calmline.scheduler"):
            logging.getLogger(name).info("from sam@example.com card %s", "4111 1111 1111 1111")
        try:
            raise ValueError("customer sam@example.com")
        except ValueError:
            logging.getLogger("calmline.cases").exception("failed")
    text = "\n".join(caplog.messages) + "\n".join(r.exc_text or "" for r in caplog.records)
    assert "sam@example.com" not in text and "4111" not in text
    assert text.count("[email]") >= 4
    record = logging.LogRecord("x", logging.INFO, "f", 1, "call %s", ("+44 20 7946 0958",), None)
    RedactingFilter().filter(record)
    assert record.getMessage() == "call [phone]"


# 6. the conversation's own channel


def test_guidance_uses_the_conversations_channel(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    real = pipeline.decide

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(kwargs["channel"])
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "decide", spy)
    conv = api.as_("alice", "POST", "/conversations", json={"channel": "email"}).json()
    say(api, "alice", conv["id"], "customer", "Where is my parcel?")
    assert seen == ["email"]


# 7. SQLite reads take no write lock


def test_sqlite_reads_do_not_wait_for_the_writer(api: Api) -> None:
    services = api.services
    if services.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    done = threading.Event()
    with services.factory() as w, w.begin():
        w.scalar(select(ConversationRow.id).limit(1))  # holds the process write lock and BEGIN IMMEDIATE

        def read() -> None:
            assert services.reader is not None
            with services.reader() as r:
                r.scalar(select(ConversationRow.id).limit(1))
            done.set()

        t = threading.Thread(target=read)
        t.start()
        assert done.wait(5), "a read waited for the write lock"
        t.join()
    r = api.as_("admin", "GET", "/conversations")  # token checks and GETs go through the reader
    assert r.status_code == 200


# 8. admin bootstrap, console queue


def test_preset_admin_token_id_too_long_is_rejected(settings: Settings) -> None:
    bad = settings.model_copy(update={"admin_token": "cl_" + "x" * 17 + "_secret"})
    with pytest.raises(ServiceError, match="1-16 characters"):
        create_app(bad)


def test_bootstrap_admin_is_idempotent(api: Api) -> None:
    assert bootstrap_admin(api.services) is None
    assert bootstrap_admin(api.services) is None
    assert api.as_("admin", "GET", "/admin/tokens").status_code == 200


# 9. settings are authoritative


def test_max_text_chars_is_the_one_limit(settings: Settings) -> None:
    settings = settings.model_copy(update={"max_text_chars": 30_000, "max_body_bytes": 1_000_000})
    services = build_services(settings)
    with TestClient(create_app(settings, services=services), raise_server_exceptions=False) as client:
        h = {"Authorization": "Bearer cl_admin0_adminsecret"}
        cid = client.post("/conversations", json={"agent": "alice"}, headers=h).json()["id"]
        url = f"/conversations/{cid}/messages"
        assert (
            client.post(url, json={"client_id": "a", "role": "customer", "text": "y" * 25_000}, headers=h).status_code
            == 201
        )
        over = client.post(url, json={"client_id": "b", "role": "customer", "text": "y" * 30_001}, headers=h)
        assert over.status_code == 422 and "CALMLINE_MAX_TEXT_CHARS" in over.text
        draft = client.post(f"/conversations/{cid}/coach", json={"draft": "y" * 30_001}, headers=h)
        assert draft.status_code == 422
    services.engine.dispose()


def test_alert_attempts_and_backoff_come_from_settings(api: Api, tmp_path: Path) -> None:
    with api.services.factory() as s:
        s.add(Delivery(event="escalation", payload={"x": 1}))
        s.commit()

    def fail(url: str, body: bytes, headers: dict[str, str]) -> int:
        return 500

    sched = Scheduler(api.services.factory, api.services.policy, webhook_url="http://x.invalid", max_attempts=1)
    import calmline.cases.scheduler as sch

    orig = sch.http_post
    sch.http_post = fail
    try:
        sch.deliver_due(
            api.services.factory, url=sched.webhook_url, post=fail, max_attempts=sched.max_attempts, backoff_s=0
        )
    finally:
        sch.http_post = orig
    with api.services.factory() as s:
        assert s.scalars(select(Delivery.status)).all() == ["failed"]
    settings = Settings(database_url="sqlite://", scheduler=False, alert_max_attempts=2, alert_backoff_s=0.5)
    assert (settings.alert_max_attempts, settings.alert_backoff_s) == (2, 0.5)


# 10. one message shape


def test_message_shape_is_shared(api: Api, conv: dict[str, Any]) -> None:
    posted = say(api, "alice", conv["id"], "customer", "Hello").json()["message"]
    listed = api.as_("alice", "GET", f"/conversations/{conv['id']}/messages").json()[0]
    got = api.as_("alice", "GET", f"/conversations/{conv['id']}").json()["messages"][0]
    assert posted.keys() == got.keys() and set(posted) < set(listed)
    assert {k: listed[k] for k in posted} == got == posted
