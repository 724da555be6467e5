"""Calmline's own webhooks: timestamped Standard Webhooks signatures; the legacy form during deprecation."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

pytest.importorskip("fastapi")

from calmline.integrations.signing import SignatureError, legacy_signature, sign_headers, standard_signature, verify

from .conftest import Api

SECRET = "s3cret"
BODY = b'{"conversation": "hd-1", "client_id": "m1", "role": "customer", "agent": "alice", "team": "a", "text": "Hi"}'


def test_standard_signature_round_trip_and_tamper() -> None:
    h = sign_headers(SECRET, "msg_1", BODY, legacy=False)
    assert set(h) == {"webhook-id", "webhook-timestamp", "webhook-signature"}
    assert verify(SECRET, h, BODY) == "v1"
    with pytest.raises(SignatureError):
        verify(SECRET, h, BODY + b" ")
    with pytest.raises(SignatureError):
        verify("other", h, BODY)
    moved = {**h, "webhook-timestamp": str(int(h["webhook-timestamp"]) + 1)}  # the timestamp is signed
    with pytest.raises(SignatureError):
        verify(SECRET, moved, BODY)


def test_stale_or_future_timestamp_is_refused() -> None:
    old = sign_headers(SECRET, "m", BODY, now=time.time() - 301, legacy=False)
    with pytest.raises(SignatureError, match="300"):
        verify(SECRET, old, BODY)
    ahead = sign_headers(SECRET, "m", BODY, now=time.time() + 301, legacy=False)
    with pytest.raises(SignatureError):
        verify(SECRET, ahead, BODY)
    assert verify(SECRET, sign_headers(SECRET, "m", BODY, now=time.time() - 200), BODY) == "v1"


def test_key_rotation_any_listed_signature_matches() -> None:
    ts = int(time.time())
    both = f"{standard_signature('old', 'm', ts, BODY)} {standard_signature(SECRET, 'm', ts, BODY)}"
    assert verify(SECRET, {"webhook-id": "m", "webhook-timestamp": str(ts), "webhook-signature": both}, BODY) == "v1"


def test_legacy_form_only_while_enabled() -> None:
    h = {"x-calmline-signature": legacy_signature(SECRET, BODY)}
    assert verify(SECRET, h, BODY) == "legacy"
    with pytest.raises(SignatureError, match="no longer accepted"):
        verify(SECRET, h, BODY, legacy=False)
    with pytest.raises(SignatureError) as missing:
        verify(SECRET, {}, BODY)
    assert missing.value.missing


@pytest.fixture
def signed_api(api: Api) -> Api:
    api.services.settings = api.services.settings.model_copy(update={"inbound_webhook_secret": SECRET})
    return api


def _post(api: Api, headers: dict[str, str], body: bytes = BODY) -> Any:
    return api.client.post("/webhooks/inbound", content=body, headers={"Content-Type": "application/json", **headers})


def test_inbound_accepts_the_timestamped_form(signed_api: Api) -> None:
    r = _post(signed_api, sign_headers(SECRET, "msg_1", BODY, legacy=False))
    assert r.status_code in (200, 201), r.text
    assert "deprecation" not in {k.lower() for k in r.headers}


def test_inbound_legacy_form_works_but_is_flagged_deprecated(signed_api: Api) -> None:
    r = _post(signed_api, {"X-Calmline-Signature": legacy_signature(SECRET, BODY)})
    assert r.status_code in (200, 201), r.text
    assert r.headers["Deprecation"] == "true"


def test_inbound_refuses_stale_replays_and_legacy_when_turned_off(signed_api: Api) -> None:
    stale = sign_headers(SECRET, "msg_1", BODY, now=time.time() - 3600, legacy=False)
    assert _post(signed_api, stale).status_code == 403
    assert _post(signed_api, {}).status_code == 401
    settings = signed_api.services.settings
    signed_api.services.settings = settings.model_copy(update={"webhook_legacy_signatures": False})
    assert _post(signed_api, {"X-Calmline-Signature": legacy_signature(SECRET, BODY)}).status_code == 403


def test_outbound_alert_carries_timestamped_signature_and_idempotency_key(api: Api) -> None:
    from calmline.cases.models import Delivery
    from calmline.cases.scheduler import deliver_due

    with api.services.factory() as s:
        s.add(Delivery(event="escalation", payload={"event": "escalation"}))
        s.commit()
    seen: list[tuple[bytes, dict[str, str]]] = []

    def receiver(url: str, body: bytes, headers: dict[str, str]) -> int:
        seen.append((body, headers))
        return 500 if len(seen) == 1 else 200

    from datetime import timedelta

    from calmline.cases.models import utcnow

    deliver_due(api.services.factory, url="http://hook.invalid", secret=SECRET, post=receiver, backoff_s=0)
    deliver_due(
        api.services.factory,
        url="http://hook.invalid",
        secret=SECRET,
        post=receiver,
        now=utcnow() + timedelta(seconds=5),
    )
    assert len(seen) == 2
    keys = {h["Idempotency-Key"] for _, h in seen}
    assert len(keys) == 1 and {h["webhook-id"] for _, h in seen} == keys  # a retry repeats the key
    body, headers = seen[1]
    lowered = {k.lower(): v for k, v in headers.items()}
    assert verify(SECRET, lowered, body) == "v1"
    assert json.loads(body)["event"] == "escalation"


def test_timers_fire_on_time_while_an_alert_receiver_hangs(api: Api) -> None:
    """Regression (#19 item 3): alerts went out on the timer thread, so a slow receiver delayed timers."""
    import threading

    from calmline.cases.models import Delivery, Timer, utcnow
    from calmline.cases.scheduler import Scheduler

    conv_id = api.as_("alice", "POST", "/conversations", json={}).json()["id"]
    with api.services.factory() as s:
        s.add(Delivery(event="escalation", payload={"event": "escalation"}))
        s.commit()
    release, entered = threading.Event(), threading.Event()

    def hanging(url: str, body: bytes, headers: dict[str, str]) -> int:
        entered.set()
        release.wait(10)
        return 200

    sched = Scheduler(api.services.factory, api.services.policy, interval_s=0.05, webhook_url="http://hook.invalid")
    sched.post = hanging
    sched.start()
    try:
        assert entered.wait(5), "the alert was not attempted"
        with api.services.factory() as s:  # a timer falls due while the receiver hangs
            s.add(Timer(kind="still_here", conversation_id=conv_id, team="a", note="", due_at=utcnow()))
            s.commit()
        deadline = time.monotonic() + 3
        status = "pending"
        while time.monotonic() < deadline and status != "fired":
            time.sleep(0.05)
            with api.services.factory() as s:
                status = s.query(Timer.status).filter(Timer.conversation_id == conv_id).scalar() or "pending"
        assert status == "fired"
    finally:
        release.set()
        sched.stop()
