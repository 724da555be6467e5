"""Issue #19, item 2: inputs that produced 500s get a clear 4xx; lone surrogates in text are replaced."""

from __future__ import annotations

import json
from typing import Any

import pytest

from calmline.cases.store import verify_token
from calmline.service.guards import bad_target
from calmline.service.routes.webhooks import signature
from tests.service.conftest import Api


@pytest.mark.parametrize("offset", ["9223372036854775808", "1000001", "-1", "1e3"])
def test_huge_or_bad_offsets_are_422(api: Api, offset: str) -> None:
    r = api.as_("admin", "GET", f"/conversations?offset={offset}")
    assert r.status_code == 422, r.text


def test_the_largest_offset_allowed_works(api: Api, conv: dict[str, Any]) -> None:
    assert api.as_("admin", "GET", "/conversations?offset=1000000").json() == []
    assert len(api.as_("admin", "GET", "/conversations?offset=0").json()) == 1


@pytest.mark.parametrize(
    "when", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "1900-01-01T00:00:00Z", "2100-01-01T00:00:00Z"]
)
def test_out_of_range_times_are_422(api: Api, conv: dict[str, Any], when: str) -> None:
    body = {"client_id": "t", "role": "customer", "text": "hello", "ts": when}
    r = api.as_("alice", "POST", f"/conversations/{conv['id']}/messages", json=body)
    assert r.status_code == 422, r.text
    assert "out of range" in r.text
    esc = api.as_("alice", "POST", f"/conversations/{conv['id']}/escalations", json={"reason": "x"}).json()
    cb = api.as_("sue", "POST", f"/escalations/{esc['id']}/callbacks", json={"at": when, "owner": "sue"})
    assert cb.status_code == 422, cb.text


def test_times_in_range_are_kept(api: Api, conv: dict[str, Any]) -> None:
    body = {"client_id": "t", "role": "customer", "text": "hello", "ts": "2026-03-01T09:00:00+14:00"}
    r = api.as_("alice", "POST", f"/conversations/{conv['id']}/messages", json=body)
    assert r.status_code == 201, r.text
    assert r.json()["message"]["ts"].startswith("2026-02-28T19:00:00")


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "/conversations/%00"),
        ("GET", "/conversations/a%01b/messages"),
        ("POST", "/conversations/%00/messages"),
        ("POST", "/conversations/%00/close"),
        ("GET", "/conversations?agent=%00"),
        ("GET", "/conversations?status=open%7F"),
        ("GET", "/cases/CL-1%00"),
        ("GET", "/wellbeing/al%00ice"),
        ("GET", "/teams/a%00/events?follow=false"),
        ("GET", "/console/api/replay/%00"),
        ("GET", "/disputes?status=%00"),
    ],
)
def test_control_characters_in_path_or_query_are_400(api: Api, method: str, url: str) -> None:
    kw: dict[str, Any] = {}
    if method == "POST":
        kw["json"] = {"client_id": "x", "role": "customer", "text": "hi", "reason": "r"}
    r = api.as_("admin", method, url, **kw)
    assert r.status_code == 400, (url, r.status_code, r.text)
    assert r.json()["error"]["code"] == "bad_request"


def test_clean_targets_pass() -> None:
    assert bad_target("/conversations/abc", b"agent=al%20ice&status=open") is None
    assert bad_target("/conversations/caf\u00e9", b"agent=%C3%A9") is None
    assert bad_target("/x", b"a=%0A") == "the query string contains control characters"


def test_a_token_id_with_a_nul_byte_is_unknown_not_an_error(api: Api) -> None:
    with api.services.factory() as s:
        assert verify_token(s, "cl_\x00_secret") is None
        assert verify_token(s, "cl_" + "a" * 40 + "_secret") is None


def _raw(api: Api, who: str, url: str, body: str, content_type: str = "application/json") -> Any:
    return api.client.post(url, content=body.encode(), headers={**api.h(who), "Content-Type": content_type})


@pytest.mark.parametrize("content_type", ["application/json", "application/json; charset=utf-8"])
def test_lone_surrogates_in_text_are_replaced(api: Api, conv: dict[str, Any], content_type: str) -> None:
    body = '{"client_id": "s1", "role": "customer", "text": "broken \\ud800 emoji \\udfff and \\ud83d\\ude00"}'
    r = _raw(api, "alice", f"/conversations/{conv['id']}/messages", body, content_type)
    assert r.status_code == 201, r.text
    assert r.json()["message"]["text"] == "broken \ufffd emoji \ufffd and \U0001f600"
    coach = _raw(api, "alice", f"/conversations/{conv['id']}/coach", '{"draft": "sorry \\ud800"}')
    assert coach.status_code == 200, coach.text


def test_lone_surrogates_in_an_inbound_webhook_are_replaced(api: Api) -> None:
    api.services.settings.inbound_webhook_secret = "s3cret"
    raw = json.dumps(
        {"conversation": "zd-s", "client_id": "w1", "role": "customer", "agent": "alice", "team": "a", "text": "x"}
    ).replace('"x"', '"half \\udc00 a pair"')
    r = api.client.post(
        "/webhooks/inbound",
        content=raw.encode(),
        headers={"X-Calmline-Signature": signature("s3cret", raw.encode()), "Content-Type": "application/json"},
    )
    assert r.status_code == 201, r.text
    assert r.json()["message"]["text"] == "half \ufffd a pair"
    bad = b'{"conversation": '
    r = api.client.post("/webhooks/inbound", content=bad, headers={"X-Calmline-Signature": signature("s3cret", bad)})
    assert r.status_code == 422
