"""Disputes: stored with the judgement they dispute, listed for supervisors, exported as JSONL."""

from __future__ import annotations

import json
from typing import Any

from tests.console.conftest import Api


def _insult(abusive: dict[str, Any]) -> tuple[str, int, dict[str, Any]]:
    msg = abusive["message"]
    sig = next(s for s in msg["analysis"]["signals"] if s["label"].startswith("abuse.insult"))
    return abusive["conv"]["id"], msg["message"]["id"], sig


def test_dispute_a_signal_then_list_review_and_export(api: Api, abusive: dict[str, Any]) -> None:
    cid, mid, sig = _insult(abusive)
    r = api.as_(
        "alice",
        "POST",
        f"/conversations/{cid}/disputes",
        json={"message_id": mid, "label": sig["label"], "reason_code": "score_too_high", "reason": "It was a joke"},
    )
    assert r.status_code == 201, r.text
    d = r.json()
    assert d["score"] == sig["score"] and d["evidence"] == sig["evidence"] and d["status"] == "open"
    assert api.as_("alice", "GET", "/disputes").status_code == 403
    assert [x["id"] for x in api.as_("sue", "GET", "/disputes").json()] == [d["id"]]
    assert api.as_("tom", "GET", "/disputes").json() == []
    assert api.as_("admin", "GET", "/disputes?status=open").json()[0]["id"] == d["id"]
    export = api.as_("sue", "GET", "/disputes/export.jsonl")
    assert export.status_code == 200 and export.headers["content-type"].startswith("application/x-ndjson")
    rows = [json.loads(line) for line in export.text.splitlines()]
    assert rows[0]["text"] == "You are an idiot, useless!!!" and rows[0]["label"] == sig["label"]
    assert rows[0]["reason"] == "It was a joke" and rows[0]["predicted_score"] == sig["score"]
    rev = api.as_("sue", "POST", f"/disputes/{d['id']}/review", json={"status": "accepted"})
    assert rev.json()["status"] == "accepted" and rev.json()["reviewed_by"] == "sue"
    assert api.as_("sue", "POST", f"/disputes/{d['id']}/review", json={"status": "rejected"}).status_code == 409
    assert api.as_("tom", "POST", f"/disputes/{d['id']}/review", json={"status": "rejected"}).status_code == 404
    events = api.as_("sue", "GET", "/teams/a/events?follow=false").text
    assert "event: dispute" in events
    audit = api.as_("admin", "GET", "/admin/audit").json()
    assert {"dispute.create", "dispute.review"} <= {a["action"] for a in audit}


def test_dispute_a_score(api: Api, abusive: dict[str, Any]) -> None:
    cid, mid, _ = _insult(abusive)
    r = api.as_(
        "alice",
        "POST",
        f"/conversations/{cid}/disputes",
        json={
            "message_id": mid,
            "kind": "frustration",
            "reason_code": "score_too_low",
            "reason": "They were furious",
            "expected": "1.0",
        },
    )
    assert r.status_code == 201 and r.json()["score"] == abusive["message"]["analysis"]["frustration"]


def test_bad_disputes_are_clear_errors(api: Api, abusive: dict[str, Any]) -> None:
    cid, mid, _ = _insult(abusive)
    url = f"/conversations/{cid}/disputes"
    r = api.as_("alice", "POST", url, json={"message_id": mid, "label": "threat.legal", "reason": "x"})
    assert r.status_code == 400 and "has no signal 'threat.legal'" in r.json()["error"]["message"]
    ok = api.as_(
        "alice",
        "POST",
        url,
        json={"message_id": mid, "label": "threat.legal", "reason_code": "missed", "reason": "they threatened to sue"},
    )
    assert ok.status_code == 201
    assert api.as_("alice", "POST", url, json={"message_id": mid, "reason": "x"}).status_code == 400
    assert api.as_("alice", "POST", url, json={"message_id": 9999, "label": "x", "reason": "x"}).status_code == 404
    assert api.as_("alice", "POST", url, json={"message_id": mid, "reason": ""}).status_code == 422
    assert api.as_("alice", "POST", url, json={"message_id": mid, "reason": "x", "extra": 1}).status_code == 422
    assert api.as_("bob", "POST", url, json={"message_id": mid, "label": "x", "reason": "x"}).status_code == 404
