"""Operating the service: /ready, /metrics (Prometheus), JSON structured logs with redaction."""

from __future__ import annotations

import io
import json
import logging
from datetime import timedelta
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families
from pydantic import ValidationError
from sqlalchemy import text

from calmline.cases import store
from calmline.cases.models import ConversationRow, utcnow
from calmline.service.logs import JsonFormatter
from calmline.service.settings import Settings
from tests.service.conftest import Api, say


def _samples(body: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    out = {}
    for family in text_string_to_metric_families(body):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def _value(body: str, name: str, **labels: str) -> float:
    return _samples(body).get((name, tuple(sorted(labels.items()))), 0.0)


def test_ready_when_database_and_migrations_are_current(api: Api) -> None:
    r = api.client.get("/ready")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "ready" and body["database"] == "ok"
    assert body["migration"] == body["head"] and body["head"]


def test_not_ready_when_migrations_behind(api: Api) -> None:
    with api.services.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    r = api.client.get("/ready")
    assert r.status_code == 503
    assert r.json()["status"] == "not_ready" and r.json()["migration"] == "0001"
    assert api.client.get("/health").status_code == 200  # alive, only not ready


def test_not_ready_when_database_unreachable(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> Any:
        raise OSError("connection refused")

    monkeypatch.setattr(api.services.engine, "connect", broken)
    r = api.client.get("/ready")
    assert r.status_code == 503
    assert r.json()["database"].startswith("unreachable")


def test_metrics_count_requests_messages_and_latency(api: Api) -> None:
    before = api.client.get("/metrics").text
    conv = api.as_("alice", "POST", "/conversations", json={}).json()
    assert say(api, "alice", conv["id"], "customer", "Third time I ask, where is my refund?").status_code == 201
    assert api.as_("alice", "GET", "/conversations/nope").status_code == 404
    r = api.client.get("/metrics")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain")
    after = r.text
    route = "/conversations/{conversation_id}/messages"

    def grew(name: str, **labels: str) -> float:
        return _value(after, name, **labels) - _value(before, name, **labels)

    assert grew("calmline_http_requests_total", method="POST", route=route, status="201") == 1
    assert (
        grew("calmline_http_requests_total", method="GET", route="/conversations/{conversation_id}", status="404") == 1
    )
    assert grew("calmline_http_request_duration_seconds_count", method="POST", route=route) == 1
    assert grew("calmline_messages_analysed_total", when="posted") == 1
    assert "/conversations/nope" not in after  # labels carry route templates, never raw paths
    for name in ("calmline_timers_due", "calmline_webhook_deliveries_pending", "calmline_database_up"):
        assert (name, ()) in _samples(after), name
    assert _value(after, "calmline_database_up") == 1


def test_metrics_timers_due_reads_the_database(api: Api) -> None:
    conv = api.as_("alice", "POST", "/conversations", json={}).json()
    with api.services.factory() as s:
        row = s.get(ConversationRow, conv["id"])
        store.schedule_timer(s, row, kind="callback", due_at=utcnow() - timedelta(minutes=5), owner="sue", note="x")
        store.schedule_timer(s, row, kind="callback", due_at=utcnow() + timedelta(hours=5), owner="sue", note="y")
        s.commit()
    assert _value(api.client.get("/metrics").text, "calmline_timers_due") == 1


def _capture(formatter: logging.Formatter, name: str) -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    logger = logging.getLogger(name)
    logger.handlers[:] = [handler]
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return logger, stream


def test_json_formatter_one_object_per_line_with_redaction() -> None:
    logger, stream = _capture(JsonFormatter(redact=True), "calmline.test.json")
    logger.info("mail %s", "jane.doe@example.com", extra={"event": "probe", "who": "call +44 20 7946 0958"})
    try:
        raise ValueError("card 4111 1111 1111 1111")
    except ValueError:
        logger.exception("boom\nsecond line")
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2  # a multi-line message and a traceback stay on one line each
    first, second = (json.loads(line) for line in lines)
    assert first["event"] == "probe" and first["level"] == "info" and first["logger"] == "calmline.test.json"
    assert "jane.doe@example.com" not in lines[0] and "[email]" in first["message"]
    assert "7946" not in lines[0]
    assert "4111 1111 1111 1111" not in lines[1] and "ValueError" in second["exc"]


def test_json_formatter_without_redaction_keeps_text() -> None:
    logger, stream = _capture(JsonFormatter(redact=False), "calmline.test.plain")
    factory = logging.getLogRecordFactory()  # an app built with redact=True earlier redacts records as they are made
    logging.setLogRecordFactory(logging.LogRecord)
    try:
        logger.warning("mail %s", "jane.doe@example.com")
    finally:
        logging.setLogRecordFactory(factory)
    assert json.loads(stream.getvalue())["message"] == "mail jane.doe@example.com"


@pytest.mark.parametrize("value", ["y", "t"])
def test_json_formatter_redacts_for_each_value_the_setting_takes(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALMLINE_REDACT", value)
    monkeypatch.setenv("CALMLINE_REDACT_KEY", "k" * 32)
    assert Settings().redact  # the service redacts what it stores: the log must follow
    logger, stream = _capture(JsonFormatter(), "calmline.test.env")
    logger.info("request", extra={"event": "request", "path": "/wellbeing/jane.doe@example.com"})
    line = json.loads(stream.getvalue())
    assert "jane.doe" not in stream.getvalue() and line["path"] == "/wellbeing/[email]"


def test_redaction_without_a_key_refuses_to_start(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ids holding personal data are stored as a keyed hash; with a public key anyone reading the database
    could recover a phone number by trying candidates, so redaction needs a key of one's own."""
    monkeypatch.setenv("CALMLINE_REDACT", "1")
    monkeypatch.delenv("CALMLINE_REDACT_KEY", raising=False)
    monkeypatch.delenv("CALMLINE_INBOUND_WEBHOOK_SECRET", raising=False)
    with pytest.raises(ValidationError, match="set CALMLINE_REDACT_KEY"):
        Settings()
    monkeypatch.setenv("CALMLINE_INBOUND_WEBHOOK_SECRET", "s" * 32)  # the documented fallback key
    assert Settings().redact
    monkeypatch.setenv("CALMLINE_REDACT", "0")
    monkeypatch.delenv("CALMLINE_INBOUND_WEBHOOK_SECRET")
    assert not Settings().redact  # no redaction, no key needed


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CALMLINE_FOLLOW_UP_DELAY_S", "inf"),  # crashed the start (OverflowError in the warm-up)
        ("CALMLINE_FOLLOW_UP_DELAY_S", "1e12"),  # a follow-up past the year 9999
        ("CALMLINE_FOLLOW_UP_DELAY_S", "-60"),
        ("CALMLINE_SHIFT_HOURS", "inf"),
        ("CALMLINE_SHIFT_HOURS", "nan"),
        ("CALMLINE_SHIFT_HOURS", "-8"),
        ("CALMLINE_MAX_BODY_BYTES", "-1"),  # every request a 413
        ("CALMLINE_STILL_HERE_S", "1e12"),  # a still-here timer past the year 9999: 500 on 'let me check'
    ],
)
def test_numbers_no_service_can_run_with_are_refused_at_start(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError, match=name.removeprefix("CALMLINE_").lower()):
        Settings()


def test_access_log_is_json_and_redacts_decoded_paths(api: Api) -> None:
    logger, stream = _capture(JsonFormatter(redact=True), "calmline.access")
    try:
        api.as_("alice", "GET", "/wellbeing/jane.doe%40example.com")
    finally:
        logger.setLevel(logging.NOTSET)
        logger.handlers[:] = []
        logger.propagate = True
    records = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert records and records[-1]["event"] == "request"
    rec = records[-1]
    assert rec["method"] == "GET" and isinstance(rec["status"], int) and rec["duration_ms"] >= 0
    assert "jane.doe" not in stream.getvalue() and "[email]" in rec["path"]
