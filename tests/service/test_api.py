"""The API end to end on SQLite (and PostgreSQL when configured)."""

from __future__ import annotations

from typing import Any

from tests.service.conftest import Api, say


def test_post_message_returns_analysis_and_guidance(api: Api, conv: dict[str, Any]) -> None:
    assert conv["case"].startswith("CL-") and len(conv["case"]) == 9
    r = say(api, "alice", conv["id"], "customer", "You idiot, this is the third time I ask for my refund!!!")
    assert r.status_code == 201, r.text
    body = r.json()
    labels = {s["label"] for s in body["analysis"]["signals"]}
    assert "abuse.insult" in labels
    assert body["message"]["status"] == "analysed"
    assert body["guidance"]["moves"]
    assert body["guidance"]["ladder"]["rung"] >= 1
    assert body["incidents"] and body["incidents"][0]["evidence"]
    assert "{ticket}" not in body["guidance"]["suggested_reply"]


def test_retry_never_duplicates(api: Api, conv: dict[str, Any]) -> None:
    first = say(api, "alice", conv["id"], "customer", "Where is my parcel?", cid="same")
    again = say(api, "alice", conv["id"], "customer", "Where is my parcel?", cid="same")
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["duplicate"] is True
    assert again.json()["message"]["id"] == first.json()["message"]["id"]
    got = api.as_("alice", "GET", f"/conversations/{conv['id']}").json()
    assert len(got["messages"]) == 1
    assert got["analysis"]["turns"][0]["text"] == "Where is my parcel?"


def test_list_filters(api: Api) -> None:
    a = api.as_("alice", "POST", "/conversations", json={}).json()
    api.as_("bob", "POST", "/conversations", json={})
    say(api, "alice", a["id"], "customer", "I want a manager NOW, I'm going to sue you!!!")
    mine = api.as_("alice", "GET", "/conversations").json()
    assert [c["id"] for c in mine] == [a["id"]]
    team = api.as_("sue", "GET", "/conversations", params={"risk": 0.3}).json()
    assert [c["id"] for c in team] == [a["id"]]
    assert len(api.as_("sue", "GET", "/conversations", params={"agent": "bob"}).json()) == 1
    assert api.as_("sue", "GET", "/conversations", params={"status": "closed"}).json() == []


def test_list_refuses_an_unknown_status(api: Api) -> None:
    # a typo ("opne") is a 422 naming the values, never an empty list that reads as "nothing open"
    api.as_("alice", "POST", "/conversations", json={})
    r = api.as_("sue", "GET", "/conversations", params={"status": "opne"})
    assert r.status_code == 422, r.text
    assert "open" in r.json()["error"]["message"] and "escalated" in r.json()["error"]["message"]
    for status in ("open", "escalated", "resolved", "closed"):
        assert api.as_("sue", "GET", "/conversations", params={"status": status}).status_code == 200


def test_coach_uses_ticket_number(api: Api, conv: dict[str, Any]) -> None:
    say(api, "alice", conv["id"], "customer", "My internet has been down for two days and nobody helps me.")
    r = api.as_("alice", "POST", f"/conversations/{conv['id']}/coach", json={"draft": "Calm down."})
    assert r.status_code == 200, r.text
    weak = r.json()
    draft = (
        f"I'm sorry your internet has been down for two days, that is really frustrating. I'll book an engineer "
        f"today and email you by 5pm. Your case number is {conv['case']}."
    )
    good = api.as_("alice", "POST", f"/conversations/{conv['id']}/coach", json={"draft": draft}).json()
    assert "contact" in {label["label"] for label in good["labels"]}
    assert good["score"] > weak["score"]


def test_escalation_handoff_summary_and_queue(api: Api, conv: dict[str, Any]) -> None:
    say(
        api, "alice", conv["id"], "customer", "My refund of $80 for order 1234 never arrived. I already told you twice!"
    )
    say(
        api,
        "alice",
        conv["id"],
        "agent",
        "I'm sorry. I'll check with the refunds team and get back to you within 1 hour.",
    )
    say(api, "alice", conv["id"], "customer", "Useless. Get me a manager.")
    r = api.as_("alice", "POST", f"/conversations/{conv['id']}/escalations", json={"reason": "asked for a manager"})
    assert r.status_code == 201, r.text
    summary = r.json()["summary"]
    assert summary["case"] == conv["case"]
    assert summary["issue"] and summary["customer"]["trend"] in ("rising", "falling", "steady")
    assert any("within 1 hour" in p for p in summary["promises"])
    queue = api.as_("sue", "GET", "/queue").json()
    assert [e["id"] for e in queue["escalations"]] == [r.json()["id"]]
    assert api.as_("tom", "GET", "/queue").json()["escalations"] == []
    assert api.as_("alice", "GET", "/queue").status_code == 403
    claim = api.as_("sue", "POST", f"/escalations/{r.json()['id']}/claim")
    assert claim.json()["claimed_by"] == "sue"
    cb = api.as_(
        "sue", "POST", f"/escalations/{r.json()['id']}/callbacks", json={"at": "2030-01-01T10:00:00Z", "owner": "sue"}
    )
    assert cb.status_code == 201 and cb.json()["kind"] == "callback"


def test_boundary_ladder_ends_and_closes(api: Api, conv: dict[str, Any]) -> None:
    last = None
    for i in range(6):
        last = say(api, "alice", conv["id"], "customer", f"You stupid idiot, you are useless! ({i})")
        if last.json()["conversation"]["status"] == "closed":
            break
    assert last is not None
    assert last.json()["conversation"]["status"] == "closed"
    assert "boundary" in last.json()["conversation"]["closed_reason"]
    incidents = api.as_("alice", "GET", f"/conversations/{conv['id']}/incidents").json()
    assert [i["rung"] for i in incidents] == sorted(i["rung"] for i in incidents) and incidents[-1]["rung"] == 4
    after = say(api, "alice", conv["id"], "customer", "hello?")
    assert after.status_code == 409
    assert api.as_("sue", "GET", "/queue").json()["escalations"]


def test_sse_replays_events(api: Api, conv: dict[str, Any]) -> None:
    say(api, "alice", conv["id"], "customer", "You idiot!!!")
    r = api.as_("alice", "GET", f"/conversations/{conv['id']}/events", params={"follow": "false"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
    kinds = [line[7:] for line in r.text.splitlines() if line.startswith("event: ")]
    assert {"message", "signals", "guidance", "incident"} <= set(kinds)
    team = api.as_("sue", "GET", "/teams/a/events", params={"follow": "false"}).text
    assert "event: incident" in team
    assert api.as_("tom", "GET", "/teams/a/events", params={"follow": "false"}).status_code == 403


def test_audit_log_records_mutations(api: Api, conv: dict[str, Any]) -> None:
    say(api, "alice", conv["id"], "customer", "hi")
    rows = api.as_("admin", "GET", "/admin/audit").json()
    actions = {(a["actor"], a["action"]) for a in rows}
    assert {("alice", "conversation.create"), ("alice", "message.create")} <= actions
    assert api.as_("alice", "GET", "/admin/audit").status_code == 403


def test_tokens_created_hashed_and_revocable(api: Api) -> None:
    r = api.as_("admin", "POST", "/admin/tokens", json={"name": "dana", "role": "agent", "team": "a"})
    assert r.status_code == 201
    token = r.json()["token"]
    assert api.client.get("/conversations", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    listed = api.as_("admin", "GET", "/admin/tokens").json()
    assert all("token" not in t and "secret_hash" not in t for t in listed)
    api.as_("admin", "DELETE", f"/admin/tokens/{r.json()['id']}")
    assert api.client.get("/conversations", headers={"Authorization": f"Bearer {token}"}).status_code == 401
