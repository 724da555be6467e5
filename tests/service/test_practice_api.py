"""The practice API: agent-owned sessions, stored and replayable; the supervisor view only when enabled."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from calmline.cases.store import create_token
from calmline.service.app import build_services, create_app
from calmline.service.settings import Settings
from tests.service.conftest import Api

SCRIPTS = Path(__file__).parents[1] / "practice" / "scripts"


def _play(api: Api, who: str, kind: str, persona: str = "policy-says-no", seed: int = 3) -> dict[str, Any]:
    r = api.as_(who, "POST", "/practice/sessions", json={"persona": persona, "seed": seed})
    assert r.status_code == 201, r.text
    sid = r.json()["id"]
    last: dict[str, Any] = {}
    for line in (SCRIPTS / f"{persona}.{kind}.txt").read_text(encoding="utf-8").splitlines():
        last = api.as_(who, "POST", f"/practice/sessions/{sid}/replies", json={"text": line}).json()
        if last.get("finished"):
            break
    if not last.get("finished"):
        last = {"debrief": api.as_(who, "POST", f"/practice/sessions/{sid}/finish").json()}
    return {"id": sid, **last}


def test_practice_session_end_to_end(api: Api) -> None:
    personas = api.as_("alice", "GET", "/practice/personas").json()
    assert len(personas) == 8 and all(p["scenario"]["policy_allows"] for p in personas)
    r = api.as_("alice", "POST", "/practice/sessions", json={"persona": "sarcastic", "seed": 5})
    body = r.json()
    assert r.status_code == 201 and body["opening"] and body["status"] == "active" and body["seed"] == 5
    sid = body["id"]
    step = api.as_(
        "alice", "POST", f"/practice/sessions/{sid}/replies", json={"text": "I understand your frustration."}
    )
    assert step.status_code == 200, step.text
    assert step.json()["customer"] and step.json()["frustration"] > body["frustration"][0]
    assert step.json()["finished"] is False
    done = api.as_("alice", "POST", f"/practice/sessions/{sid}/finish").json()
    assert done["outcome"] == "unfinished" and done["turns"][0]["coach"]["labels"] == ["empathy.canned"]
    replay = api.as_("alice", "GET", f"/practice/sessions/{sid}").json()
    assert replay["status"] == "finished" and replay["debrief"]["score"] == done["score"]
    assert replay["turns"][0]["agent"] == "I understand your frustration."
    late = api.as_("alice", "POST", f"/practice/sessions/{sid}/replies", json={"text": "Hello?"})
    assert late.status_code == 409
    mine = api.as_("alice", "GET", "/practice/sessions").json()
    assert [m["id"] for m in mine] == [sid] and mine[0]["score"] == done["score"]


def test_good_beats_bad_through_the_api_and_the_store(api: Api) -> None:
    good, bad = _play(api, "alice", "good"), _play(api, "alice", "bad")
    assert good["debrief"]["score"] > bad["debrief"]["score"]
    assert good["debrief"]["frustration"][-1] < bad["debrief"]["frustration"][-1]
    # a session is rebuilt exactly from its stored replies when no worker holds it in memory
    from calmline.service.routes import practice

    practice._LIVE.clear()
    r = api.as_("bob", "POST", "/practice/sessions", json={"persona": "refund-third-contact", "seed": 1})
    sid = r.json()["id"]
    lines = (SCRIPTS / "refund-third-contact.good.txt").read_text(encoding="utf-8").splitlines()
    api.as_("bob", "POST", f"/practice/sessions/{sid}/replies", json={"text": lines[0]})
    practice._LIVE.clear()
    last = api.as_("bob", "POST", f"/practice/sessions/{sid}/replies", json={"text": lines[1]}).json()
    assert last["finished"] and last["debrief"]["outcome"] == "resolved"


def test_sessions_are_private_to_their_agent(api: Api) -> None:
    sid = api.as_("alice", "POST", "/practice/sessions", json={"persona": "sarcastic"}).json()["id"]
    for who in ("bob", "sue", "carl", "admin"):
        assert api.as_(who, "GET", f"/practice/sessions/{sid}").status_code == 404
        assert api.as_(who, "POST", f"/practice/sessions/{sid}/replies", json={"text": "hi"}).status_code == 404
        assert sid not in {x["id"] for x in api.as_(who, "GET", "/practice/sessions").json()}


def test_team_view_is_off_by_default(api: Api) -> None:
    _play(api, "alice", "good")
    r = api.as_("sue", "GET", "/practice/team")
    assert r.status_code == 403 and "not enabled" in r.json()["error"]["message"]
    assert api.as_("alice", "GET", "/practice/team").status_code == 403


@pytest.fixture
def enabled(settings: Settings) -> Iterator[Api]:
    settings = settings.model_copy(update={"practice_supervisor_view": True})
    services = build_services(settings)
    with TestClient(create_app(settings, services=services), raise_server_exceptions=False) as client:
        tokens = {"admin": "cl_admin0_adminsecret"}
        with services.factory() as s:
            for who, role, team in [("alice", "agent", "a"), ("sue", "supervisor", "a"), ("tom", "supervisor", "b")]:
                tokens[who] = create_token(s, name=who, role=role, team=team)[1]
            s.commit()
        yield Api(client, services, tokens)
    services.engine.dispose()


def test_team_view_when_enabled_shows_only_the_team(enabled: Api) -> None:
    _play(enabled, "alice", "good")
    _play(enabled, "alice", "bad")
    sue = enabled.as_("sue", "GET", "/practice/team").json()
    (alice,) = sue["agents"]
    assert alice["agent"] == "alice" and alice["completed"] == 2 and alice["best"] > alice["average"]
    assert "turns" not in str(sue)  # scores and completion, never the transcript
    assert enabled.as_("tom", "GET", "/practice/team").json()["agents"] == []
    assert enabled.as_("alice", "GET", "/practice/team").status_code == 403


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"persona": "nobody"},
        {"persona": "sarcastic", "seed": -1},
        {"persona": "sarcastic", "seed": 10**30},
        {"persona": "sarcastic", "mood": "x"},
        {"persona": "x" * 5000},
    ],
)
def test_bad_start_bodies_are_422(api: Api, body: dict[str, Any]) -> None:
    assert api.as_("alice", "POST", "/practice/sessions", json=body).status_code == 422


def test_bad_replies_are_4xx_never_500(api: Api) -> None:
    sid = api.as_("alice", "POST", "/practice/sessions", json={"persona": "sarcastic"}).json()["id"]
    url = f"/practice/sessions/{sid}/replies"
    for body in ({"text": ""}, {"text": "x" * 5000}, {"text": "a\x00b"}, {"text": 5}, {"words": "hi"}, [1]):
        assert api.as_("alice", "POST", url, json=body).status_code == 422, body
    r = api.as_("alice", "POST", url, content=b"\xff\xfe not json", headers={"Content-Type": "application/json"})
    assert r.status_code in (400, 422)
    assert api.as_("alice", "POST", url, json={"text": "   "}).status_code == 422
    assert api.as_("alice", "GET", "/practice/sessions/not-an-id").status_code == 422
    assert api.as_("alice", "GET", "/practice/sessions/" + "0" * 32).status_code == 404
    assert api.client.get("/practice/personas").status_code == 401
