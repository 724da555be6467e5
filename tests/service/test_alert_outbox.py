"""The alert outbox (#19 item 3): retried for a period, one attempt at a time, listed and replayed by an admin."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from typer.testing import CliRunner

from calmline.cases.models import AuditEntry, Delivery, utcnow
from calmline.cases.outbox import deliver_due
from calmline.cli import app as cli
from tests.service.conftest import Api

URL = "http://hook.invalid/alerts"


def _queue(api: Api, n: int = 1, **kw: Any) -> list[int]:
    with api.services.factory() as s:
        rows = [Delivery(event="escalation", payload={"event": "escalation", "n": i}, **kw) for i in range(n)]
        s.add_all(rows)
        s.commit()
        return [r.id for r in rows]


def _row(api: Api, did: int) -> Delivery:
    with api.services.factory() as s:
        row = s.get(Delivery, did)
        assert row is not None
        s.expunge(row)
        return row


def _aware(t: datetime) -> datetime:
    return t if t.tzinfo else t.replace(tzinfo=UTC)


def test_an_alert_survives_a_receiver_outage_of_hours(api: Api) -> None:
    """Regression: after 5 attempts (~30 s) an alert was 'failed' for good; now it retries for a day."""
    (did,) = _queue(api)
    t0 = utcnow()
    up = False
    received: list[dict[str, Any]] = []

    def receiver(url: str, body: bytes, headers: dict[str, str]) -> int:
        if not up:
            raise ConnectionRefusedError("receiver down")
        received.append(json.loads(body))
        return 204

    # the deliverer ticks every 30 s for 3 hours, receiver down the whole time
    for step in range(0, 3 * 3600, 30):
        assert deliver_due(api.services.factory, url=URL, post=receiver, now=t0 + timedelta(seconds=step)) == []
    row = _row(api, did)
    assert row.status == "pending" and "ConnectionRefusedError" in (row.last_error or "")
    assert 10 <= row.attempts <= 20, row.attempts  # backoff: far fewer attempts than ticks
    gap = _aware(row.next_attempt_at) - (t0 + timedelta(seconds=3 * 3600 - 30))
    assert gap <= timedelta(hours=1)  # capped: the receiver being back is noticed within the hour
    up = True
    assert deliver_due(api.services.factory, url=URL, post=receiver, now=t0 + timedelta(hours=4)) == [did]
    assert [r["id"] for r in received] == [did] and _row(api, did).status == "sent"
    assert deliver_due(api.services.factory, url=URL, post=receiver, now=t0 + timedelta(hours=6)) == []
    assert len(received) == 1


def test_an_alert_fails_only_after_the_retry_period(api: Api) -> None:
    (did,) = _queue(api)
    t0 = _aware(_row(api, did).created_at)

    def down(url: str, body: bytes, headers: dict[str, str]) -> int:
        return 503

    for minutes in range(0, 20):
        now = t0 + timedelta(minutes=minutes)
        deliver_due(api.services.factory, url=URL, post=down, now=now, retry_s=600)
        assert _row(api, did).status == ("pending" if minutes < 10 else "failed"), minutes
    row = _row(api, did)
    assert row.last_error == "HTTP 503"
    assert _aware(row.next_attempt_at) <= t0 + timedelta(seconds=600)  # the last try is at the deadline, not after


def test_two_deliverers_never_post_the_same_alert_at_once(api: Api) -> None:
    ids = _queue(api, 6)
    lock, gate = threading.Lock(), threading.Event()
    in_flight: set[int] = set()
    posts: list[int] = []
    overlaps: list[int] = []

    def slow(url: str, body: bytes, headers: dict[str, str]) -> int:
        did = int(headers["X-Calmline-Delivery"])
        with lock:
            if did in in_flight:
                overlaps.append(did)
            in_flight.add(did)
            posts.append(did)
        gate.wait(0.3)  # both deliverers are running while these posts are open
        with lock:
            in_flight.discard(did)
        return 200

    results: list[list[int]] = []
    threads = [
        threading.Thread(
            target=lambda: results.append(deliver_due(api.services.factory, url=URL, post=slow, concurrency=3))
        )
        for _ in range(2)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert overlaps == [] and sorted(posts) == ids  # each alert posted exactly once
    assert sorted(results[0] + results[1]) == ids
    assert {_row(api, d).status for d in ids} == {"sent"}


def test_a_timed_out_attempt_is_retried_under_the_same_key_only_after_its_lease(api: Api) -> None:
    """Regression: a timed-out alert that had arrived was sent again at once and counted as failed."""
    (did,) = _queue(api)
    keys: list[str] = []
    entered, release = threading.Event(), threading.Event()

    def timing_out(url: str, body: bytes, headers: dict[str, str]) -> int:
        keys.append(headers["Idempotency-Key"])
        if len(keys) == 1:
            entered.set()
            release.wait(10)
            raise TimeoutError("read timed out")  # the receiver may well have got it
        return 200

    t0 = utcnow()
    first = threading.Thread(
        target=deliver_due, args=(api.services.factory,), kwargs={"url": URL, "post": timing_out, "now": t0}
    )
    first.start()
    try:
        assert entered.wait(5)
        # while the first attempt is still open, its lease keeps every other deliverer off the alert
        assert deliver_due(api.services.factory, url=URL, post=timing_out, now=t0 + timedelta(seconds=30)) == []
        assert len(keys) == 1
    finally:
        release.set()
        first.join(10)
    row = _row(api, did)
    assert (row.status, row.attempts) == ("pending", 1) and "TimeoutError" in (row.last_error or "")
    assert deliver_due(api.services.factory, url=URL, post=timing_out, now=t0 + timedelta(seconds=61)) == [did]
    assert keys == [f"calmline-delivery-{did}"] * 2  # the retry repeats the key: the receiver drops a copy


def test_admin_lists_and_replays_deliveries(api: Api) -> None:
    sent, failed, pending = _queue(api, 3)
    with api.services.factory() as s:
        for did, status in ((sent, "sent"), (failed, "failed")):
            row = s.get(Delivery, did)
            assert row is not None
            row.status, row.attempts, row.last_error = status, 7, "HTTP 500" if status == "failed" else None
        s.commit()
    r = api.as_("admin", "GET", "/admin/deliveries", params={"status": "failed"})
    assert r.status_code == 200, r.text
    (only,) = r.json()
    assert (only["id"], only["status"], only["attempts"], only["last_error"]) == (failed, "failed", 7, "HTTP 500")
    assert [d["id"] for d in api.as_("admin", "GET", "/admin/deliveries").json()] == [pending, failed, sent]
    page = api.as_("admin", "GET", "/admin/deliveries", params={"limit": 1, "offset": 1}).json()
    assert [d["id"] for d in page] == [failed]
    for bad in ({"status": "lost"}, {"limit": 0}, {"limit": 10_000}, {"offset": -1}, {"offset": 10**20}):
        assert api.as_("admin", "GET", "/admin/deliveries", params=bad).status_code == 422, bad

    r = api.as_("admin", "POST", f"/admin/deliveries/{failed}/replay")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "pending"
    row = _row(api, failed)
    assert row.status == "pending" and _aware(row.next_attempt_at) <= utcnow()
    with api.services.factory() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "delivery.replay")).one()
        assert (entry.actor, entry.target, entry.detail) == ("admin", str(failed), {"previous_status": "failed"})
    posted: list[int] = []

    def receiver(url: str, body: bytes, headers: dict[str, str]) -> int:
        posted.append(int(headers["X-Calmline-Delivery"]))
        return 200

    assert failed in deliver_due(api.services.factory, url=URL, post=receiver)
    assert _row(api, failed).status == "sent"

    missing = api.as_("admin", "POST", "/admin/deliveries/999999/replay")
    assert missing.status_code == 404 and missing.json()["error"]["code"]
    for bad_id in ("abc", "0", str(2**70), "%00"):
        code = api.as_("admin", "POST", f"/admin/deliveries/{bad_id}/replay").status_code
        assert 400 <= code < 500, (bad_id, code)


def test_only_admins_see_or_replay_deliveries(api: Api) -> None:
    (did,) = _queue(api)
    for who in ("alice", "sue", "tom"):
        assert api.as_(who, "GET", "/admin/deliveries").status_code == 403
        assert api.as_(who, "POST", f"/admin/deliveries/{did}/replay").status_code == 403
    assert api.client.get("/admin/deliveries").status_code == 401
    assert api.client.post(f"/admin/deliveries/{did}/replay").status_code == 401


def test_cli_lists_and_replays(api: Api) -> None:
    failed, sent = _queue(api, 2)
    with api.services.factory() as s:
        for did, status in ((failed, "failed"), (sent, "sent")):
            row = s.get(Delivery, did)
            assert row is not None
            row.status, row.last_error = status, "HTTP 502" if status == "failed" else None
        s.commit()
    url = api.services.settings.database_url
    runner = CliRunner()
    out = runner.invoke(cli, ["alerts", "list", "--status", "failed", "--database-url", url])
    assert out.exit_code == 0, out.output
    lines = out.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].split()[:2] == [str(failed), "failed"] and "HTTP 502" in lines[0]
    out = runner.invoke(cli, ["alerts", "list", "--json", "--database-url", url])
    assert [json.loads(line)["id"] for line in out.output.splitlines()] == [sent, failed]

    out = runner.invoke(cli, ["alerts", "replay", str(failed), "--database-url", url])
    assert out.exit_code == 0, out.output
    assert "failed -> pending" in out.output and _row(api, failed).status == "pending"
    with api.services.factory() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "delivery.replay")).one()
        assert entry.actor.startswith("cli:") and entry.target == str(failed)

    for bad in (
        ["alerts", "replay", "999999", "--database-url", url],  # unknown id
        ["alerts", "replay", "abc", "--database-url", url],
        ["alerts", "replay", "0", "--database-url", url],
        ["alerts", "list", "--status", "lost", "--database-url", url],
        ["alerts", "list", "--database-url", "nosuchdb://x"],
        ["alerts", "list"],  # no database
    ):
        result = runner.invoke(cli, bad, env={"CALMLINE_DATABASE_URL": None})
        assert result.exit_code == 2, (bad, result.output)

    # without --database-url, the service's own setting names the database (as the help says)
    out = runner.invoke(cli, ["alerts", "list", "--json"], env={"CALMLINE_DATABASE_URL": url})
    assert out.exit_code == 0, out.output
    assert [json.loads(line)["id"] for line in out.output.splitlines()] == [sent, failed]
    out = runner.invoke(cli, ["alerts", "replay", "999999"], env={"CALMLINE_DATABASE_URL": url})
    assert out.exit_code == 2 and "no delivery 999999" in out.output
